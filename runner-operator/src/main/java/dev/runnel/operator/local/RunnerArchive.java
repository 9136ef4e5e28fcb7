package dev.runnel.operator.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The class-data-sharing archive replicas start from: made once per runner jar and JVM by running
 * the runner's {@code WarmUp} under {@code -XX:ArchiveClassesAtExit}, in the background; replicas
 * started before it exists start without it. It roughly halves a replica's JVM start.
 */
final class RunnerArchive {

    private static final Logger LOG = Logger.getLogger(RunnerArchive.class);

    /** The JVM options of every replica (the archive must be made with the same ones). */
    static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final String java;
    private final Path jar;
    private final Path file;
    private final AtomicBoolean making = new AtomicBoolean();

    RunnerArchive(String java, Path jar, Path home) {
        this.java = java;
        this.jar = jar;
        String version = System.getProperty("java.vm.version").replaceAll("[^A-Za-z0-9.+_-]", "_");
        long stamp;
        try {
            stamp = Files.getLastModifiedTime(jar).toMillis() ^ Files.size(jar);
        } catch (IOException e) {
            stamp = 0;
        }
        this.file = home.resolve("cds").resolve("runner-" + Long.toHexString(stamp) + "-" + version + ".jsa");
    }

    /** The command that starts a replica: with the archive once it exists; the first call makes it. */
    List<String> command(Map<String, String> replicaEnv) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_OPTIONS);
        if (Files.isRegularFile(file)) {
            command.add("-XX:SharedArchiveFile=" + file);
        } else if (making.compareAndSet(false, true)) {
            Thread maker = new Thread(() -> make(replicaEnv), "runner-archive");
            maker.setDaemon(true);
            maker.start();
        }
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    private void make(Map<String, String> replicaEnv) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(JVM_OPTIONS);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-cp", jar.toString(),
                    "dev.runnel.runner.WarmUp"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(file.resolveSibling("warm-up.log").toFile()));
            builder.environment().putAll(replicaEnv);
            builder.environment().put("RUNNEL_REPLICA_ID", "warm-up");
            Process process = builder.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                LOG.warn("the runner's class archive took too long; replicas start without it");
                return;
            }
            if (process.exitValue() == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.infof("replicas start from the class archive %s from now on", file);
                // archives of earlier runner jars (or JVMs) serve no one any more
                try (var old = Files.newDirectoryStream(file.getParent(), "runner-*.jsa")) {
                    for (Path other : old) {
                        if (!other.equals(file)) {
                            Files.deleteIfExists(other);
                        }
                    }
                }
            } else {
                LOG.warnf("no class archive for the runner (exit %d, see %s); replicas start without it",
                        process.exitValue(), file.resolveSibling("warm-up.log"));
            }
        } catch (IOException e) {
            LOG.warnf("no class archive for the runner (%s); replicas start without it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String javaOf(String javaHome) {
        return javaHome + File.separator + "bin" + File.separator + "java";
    }
}
