package dev.runnel.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas start from the class archive of the runner jar as it is now, not as it was when the operator started. */
class RunnerArchiveTest {

    @Test
    void aRebuiltJarGetsANewArchiveAndReplicasDoNotUseTheOldOne(@TempDir Path home) throws Exception {
        Path jar = home.resolve("runnel-runner.jar");
        Files.write(jar, new byte[]{1, 2, 3});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-25T10:00:00Z")));
        List<Runnable> makers = new ArrayList<>();
        RunnerArchive archive = new RunnerArchive("/bin/false", jar, home, null, makers::add);
        Path first = archive.file();
        Files.createDirectories(first.getParent());
        Files.write(first, new byte[]{0});
        assertThat(archive.command(Map.of())).contains("-XX:SharedArchiveFile=" + first);

        Files.write(jar, new byte[]{4}, StandardOpenOption.APPEND);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-25T11:00:00Z")));
        assertThat(archive.file()).isNotEqualTo(first);
        assertThat(archive.command(Map.of())).noneMatch(option -> option.startsWith("-XX:SharedArchiveFile"));
        assertThat(makers).as("the new jar's archive is made (once)").hasSize(1);
        archive.command(Map.of());
        assertThat(makers).hasSize(1);
    }
}
