package dev.runnel.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner unpacks from the local headers, which a zip can fill with what its central directory (the
 * registry's view) does not show: the limits hold while it unpacks, whatever the zip declares.
 */
class CodebaseUnpackerTest {

    @TempDir
    Path dir;

    /** A zip of these entries, each {@code size} zero bytes (a few KB compressed, whatever the size). */
    private static byte[] zip(int entries, int size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries; i++) {
                zip.putNextEntry(new ZipEntry("file-" + i + ".bin"));
                zip.write(new byte[size]);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aCodebaseWithinTheLimitsUnpacks() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("pkg/main.py"));
            zip.write("print('hi')\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        CodebaseUnpacker.unpack(new ByteArrayInputStream(bytes.toByteArray()), dir.resolve("code"),
                new CodebaseUnpacker.Limits(1024, 10));
        assertThat(dir.resolve("code/pkg/main.py")).hasContent("print('hi')");
    }

    @Test
    void aBombStopsAtTheSizeLimitWithoutFillingTheDisk() throws IOException {
        byte[] bomb = zip(1, 8 * 1024 * 1024); // 8 MiB of zeros, some 8 KB zipped
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> CodebaseUnpacker.unpack(new ByteArrayInputStream(bomb), dir.resolve("code"),
                new CodebaseUnpacker.Limits(1024 * 1024, 10)))
                .isInstanceOf(IOException.class).hasMessageContaining("more than 1048576 bytes");
        try (var files = Files.walk(dir)) {
            long written = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            assertThat(written).isLessThanOrEqualTo(1024 * 1024);
        }
    }

    @Test
    void tooManyEntriesStop() throws IOException {
        byte[] many = zip(20, 1);
        assertThatThrownBy(() -> CodebaseUnpacker.unpack(new ByteArrayInputStream(many), dir.resolve("code"),
                new CodebaseUnpacker.Limits(1024 * 1024, 10)))
                .isInstanceOf(IOException.class).hasMessageContaining("more than 10 entries");
    }

    @Test
    void anEntryLeavingItsFolderStops() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("../escaped.py"));
            zip.write(1);
            zip.closeEntry();
        }
        assertThatThrownBy(() -> CodebaseUnpacker.unpack(new ByteArrayInputStream(bytes.toByteArray()),
                dir.resolve("code"), new CodebaseUnpacker.Limits(1024, 10)))
                .isInstanceOf(IOException.class).hasMessageContaining("outside its folder");
        assertThat(dir.resolve("escaped.py")).doesNotExist();
    }
}
