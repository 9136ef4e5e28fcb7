package dev.runnel.operator.local;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.reconciler.ReplicaDriver;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Replicas as local processes of the runner's jar, each with its own work folder and log. */
@ApplicationScoped
public class LocalProcessDriver implements ReplicaDriver {

    private static final Logger LOG = Logger.getLogger(LocalProcessDriver.class);

    private final OperatorConfig config;
    private final String kafka;
    private final RunnerArchive archive;
    private final Map<String, List<LocalReplica>> byService = new ConcurrentHashMap<>();

    public LocalProcessDriver(OperatorConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String kafka) {
        this.config = config;
        this.kafka = kafka;
        this.archive = new RunnerArchive(RunnerArchive.javaOf(System.getProperty("java.home")),
                Path.of(config.runnerJar()).toAbsolutePath(), Path.of(config.home()).toAbsolutePath());
    }

    /** One runner process. */
    static final class LocalReplica implements Replica {
        private final String id;
        private final int version;
        private final Process process;
        private final Path log;

        LocalReplica(String id, int version, Process process, Path log) {
            this.id = id;
            this.version = version;
            this.process = process;
            this.log = log;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public Integer exitCode() {
            return process.isAlive() ? null : process.exitValue();
        }

        @Override
        public String lastWords() {
            try {
                List<String> lines = Files.readAllLines(log);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (lines.get(i).startsWith("RUNNEL-INIT-FAILED ")) {
                        return lines.get(i).substring("RUNNEL-INIT-FAILED ".length());
                    }
                }
                return lines.isEmpty() ? null : lines.get(lines.size() - 1);
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void stop() {
            process.destroy();
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        long pid() {
            return process.pid();
        }
    }

    @Override
    public Replica start(ServiceSpec spec, String replicaId, String botCredential) {
        try {
            Path dir = Path.of(config.home()).toAbsolutePath().resolve("replicas").resolve(spec.serviceId());
            Files.createDirectories(dir);
            Path specFile = dir.resolve("spec-v" + spec.version() + ".json");
            Files.writeString(specFile, Json.mapper().writeValueAsString(spec));
            Path log = dir.resolve(replicaId + ".log");
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "RUNNEL_BOT_CHECK_SECONDS", String.valueOf(config.botCheckInterval().toSeconds())));
            env.putAll(Map.of(
                    "RUNNEL_SPEC_FILE", specFile.toString(),
                    "RUNNEL_KAFKA", kafka,
                    "RUNNEL_API", config.api(),
                    "RUNNEL_BOT_CREDENTIAL", botCredential,
                    "RUNNEL_REPLICA_ID", replicaId,
                    "RUNNEL_WORK_DIR", dir.resolve("work").toString(),
                    "RUNNEL_RUNTIME_DIR", Path.of(config.runtimeDir()).toAbsolutePath().toString(),
                    "RUNNEL_PYTHON", config.python()));
            ProcessBuilder builder = new ProcessBuilder(archive.command(env))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            LocalReplica replica = new LocalReplica(replicaId, spec.version(), builder.start(), log);
            byService.computeIfAbsent(spec.serviceId(), id -> new CopyOnWriteArrayList<>()).add(replica);
            LOG.infof("replica %s of %s (v%d) started, pid %d, log %s", replicaId, spec.name(), spec.version(),
                    replica.pid(), log);
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Replica> replicas(String serviceId) {
        return new ArrayList<>(byService.getOrDefault(serviceId, List.of()));
    }

    @Override
    public void forget(Replica replica) {
        byService.values().forEach(list -> list.remove(replica));
    }

    void stopAll(@Observes ShutdownEvent event) {
        byService.values().forEach(list -> list.forEach(Replica::stop));
    }
}
