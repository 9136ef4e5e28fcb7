package dev.runnel.operator.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The class-data-sharing archive replicas start from: made once per runner jar and JVM by running
 * the runner's {@code WarmUp} under {@code -XX:ArchiveClassesAtExit}, in the background; replicas
 * started before it exists start without it. It roughly halves a replica's JVM start.
 */
final class RunnerArchive {

    private static final Logger LOG = Logger.getLogger(RunnerArchive.class);

    /**
     * The JVM options of every replica (the archive must be made with the same ones): C1 alone, one
     * compiler thread (a replica mostly passes messages; a second compiler thread took CPU from the start
     * on two cores, about 8% of it), the serial collector.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1");

    private final String java;
    private final Path jar;
    /** The sandbox replicas run in (null: none), which shows them the jar and the archives elsewhere. */
    private final Sandbox sandbox;
    private final Path home;
    private final String version = System.getProperty("java.vm.version").replaceAll("[^A-Za-z0-9.+_-]", "_");
    /** Archives this operator has tried to make (one try each: a failure is logged, replicas start without). */
    private final Set<Path> tried = ConcurrentHashMap.newKeySet();

    /** Where archives are made: a daemon thread each (tests hold them instead). */
    private final Consumer<Runnable> background;

    RunnerArchive(String java, Path jar, Path home, Sandbox sandbox) {
        this(java, jar, home, sandbox, task -> {
            Thread maker = new Thread(task, "runner-archive");
            maker.setDaemon(true);
            maker.start();
        });
    }

    RunnerArchive(String java, Path jar, Path home, Sandbox sandbox, Consumer<Runnable> background) {
        this.java = java;
        this.jar = jar;
        this.sandbox = sandbox;
        this.home = home;
        this.background = background;
    }

    /** The archive of the runner jar as it is now: a rebuilt jar gets a new one. */
    Path file() {
        long stamp;
        try {
            stamp = Files.getLastModifiedTime(jar).toMillis() ^ Files.size(jar);
        } catch (IOException e) {
            stamp = 0;
        }
        return folder().resolve("runner-" + Long.toHexString(stamp) + "-" + version + ".jsa");
    }

    /** Where the archives are made. */
    Path folder() {
        return home.resolve("cds");
    }

    /** The jar as the replica sees it. */
    private String jarSeen() {
        return (sandbox == null ? jar : sandbox.jarInside()).toString();
    }

    /** An archive as the replica sees it. */
    private Path seen(Path file) {
        return sandbox == null ? file : Sandbox.ARCHIVES.resolve(file.getFileName());
    }

    /**
     * The command that starts a replica (in its sandbox, if there is one, the caller wraps it): with the
     * archive once it exists; the first call makes it.
     */
    List<String> command(Map<String, String> replicaEnv) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_OPTIONS);
        Path file = file();
        if (Files.isRegularFile(file)) {
            command.add("-XX:SharedArchiveFile=" + seen(file));
        } else if (tried.add(file)) {
            background.accept(() -> make(replicaEnv, file));
        }
        command.addAll(List.of("-jar", jarSeen()));
        return command;
    }

    private void make(Map<String, String> replicaEnv, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(JVM_OPTIONS);
            // made where replicas run, so that the jar's path it records is the one they see
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + seen(partial), "-cp", jarSeen(),
                    "dev.runnel.runner.WarmUp"));
            if (sandbox != null) {
                command = sandbox.wrapTrusted(folder(), command);
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(file.resolveSibling("warm-up.log").toFile()));
            builder.environment().putAll(replicaEnv);
            builder.environment().put("RUNNEL_REPLICA_ID", "warm-up");
            if (sandbox != null) {
                // the replica's folder is not bound here: the warm-up starts its sample service instead
                builder.environment().remove("RUNNEL_SPEC_FILE");
                builder.environment().remove("RUNNEL_WORK_DIR");
            }
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
