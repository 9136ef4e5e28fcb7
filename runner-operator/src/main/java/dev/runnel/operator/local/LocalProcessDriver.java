package dev.runnel.operator.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.replica.Heartbeats;
import dev.runnel.operator.replica.ReplicaDriver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Replicas as local processes of the runner's jar, each with its own work folder and log. A replica
 * that exits while wanted is started again with backoff; its exit code says why (ADR 0006): 3 is a
 * failed {@code __init__} (its last words are the error), 4 a refused bot, three exits within two
 * minutes a crash loop.
 */
@ApplicationScoped
@Typed(LocalProcessDriver.class) // the ReplicaDriver bean is the one Drivers picks
public class LocalProcessDriver implements ReplicaDriver {

    private static final Logger LOG = Logger.getLogger(LocalProcessDriver.class);
    private static final int CRASH_LOOP = 3;
    private static final Duration CRASH_WINDOW = Duration.ofMinutes(2);

    private final OperatorConfig config;
    /** What a local replica keeps of the operator's environment. */
    static final Set<String> INHERITED = Set.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
            "JAVA_HOME");

    private final String kafka;
    private final Heartbeats heartbeats;
    /** Where replicas run (ADR 16); null when the config says to run them bare. */
    private final Sandbox sandbox;
    private final RunnerArchive archive;
    private final Map<String, Service> services = new ConcurrentHashMap<>();

    /** The replicas of one service and what the driver remembers of its crashes. */
    private static final class Service {
        final List<LocalReplica> replicas = new CopyOnWriteArrayList<>();
        final Deque<Instant> crashes = new ArrayDeque<>();
        Instant nextStart = Instant.EPOCH;
        ServiceStatus.Error error;
        String credential;
    }

    public LocalProcessDriver(OperatorConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String kafka,
                              Heartbeats heartbeats) {
        this.config = config;
        this.kafka = kafka;
        this.heartbeats = heartbeats;
        Path home = Path.of(config.home()).toAbsolutePath();
        Path jar = Path.of(config.runnerJar()).toAbsolutePath();
        if (config.localSandbox()) {
            this.sandbox = Sandbox.make(home, jar, Path.of(config.runtimeDir()).toAbsolutePath());
        } else {
            LOG.warn("local replicas run without a sandbox (runnel.operator.local-sandbox=false): the code in them"
                    + " can read this machine's Runnel state, its keys included");
            this.sandbox = null;
        }
        this.archive = new RunnerArchive(RunnerArchive.javaOf(System.getProperty("java.home")), jar, home, sandbox);
    }

    /** One runner process. */
    public static final class LocalReplica {
        private final String id;
        private final int version;
        private final Process process;
        private final Path log;
        private volatile boolean stopping;

        /** Whether {@link #process} is the sandbox's {@code unshare}, whose one child is the runner. */
        private final boolean sandboxed;

        LocalReplica(String id, int version, Process process, Path log, boolean sandboxed) {
            this.id = id;
            this.version = version;
            this.process = process;
            this.log = log;
            this.sandboxed = sandboxed;
        }

        public String id() {
            return id;
        }

        public int version() {
            return version;
        }

        public boolean alive() {
            return process.isAlive();
        }

        Integer exitCode() {
            return process.isAlive() ? null : process.exitValue();
        }

        /** Why it ended, as it said: an init failure's error JSON, or its log's last line. */
        String lastWords() {
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

        /** Asks it to stop, letting calls in flight finish within the service's drainTime. */
        void stop() {
            stopping = true;
            // in a sandbox, the runner hears SIGTERM itself and drains; unshare ends when it has
            if (sandboxed && process.children().findAny().isPresent()) {
                process.children().forEach(ProcessHandle::destroy);
            } else {
                process.destroy();
            }
        }

        /** Stops it at once (tests use it as a crash); unshare takes the runner with it. */
        public void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Override
    public void apply(ServiceSpec spec, int want, String botCredential, KafkaLogin kafkaLogin) {
        Service service = services.computeIfAbsent(spec.serviceId(), id -> new Service());
        if (botCredential != null && !botCredential.equals(service.credential)) {
            keep(spec.serviceId(), botCredential);
            service.credential = botCredential;
        }
        Instant now = Instant.now();
        for (LocalReplica replica : service.replicas) {
            if (!replica.alive()) {
                ended(spec, want, service, replica, now);
                service.replicas.remove(replica);
            } else if (replica.version() != spec.version()) {
                LOG.infof("replica %s of %s: stopping (its version %d is not the current one)", replica.id(),
                        spec.name(), replica.version());
                replica.stop();
            }
        }
        // those already stopping drain their calls and count no more: they are not stopped twice
        List<LocalReplica> current = service.replicas.stream()
                .filter(r -> r.alive() && r.version() == spec.version() && !r.stopping).toList();
        if (current.size() > want) {
            // the newest go first: the oldest have warmed up
            current.subList(want, current.size()).forEach(LocalReplica::stop);
        } else if (current.size() < want && !now.isBefore(service.nextStart)) {
            try {
                service.replicas.add(start(spec, spec.serviceId() + "-" + UUID.randomUUID().toString().substring(0, 8),
                        botCredential, kafkaLogin));
            } catch (RuntimeException e) {
                LOG.warnf("cannot start a replica of %s: %s", spec.name(), e.getMessage());
                service.nextStart = now.plusSeconds(5);
            }
        }
    }

    private void ended(ServiceSpec spec, int want, Service service, LocalReplica replica, Instant now) {
        if (replica.stopping || want == 0 || replica.version() != spec.version()) {
            return; // stopped on purpose: not a crash
        }
        Integer code = replica.exitCode();
        String words = replica.lastWords();
        service.crashes.addLast(now);
        while (!service.crashes.isEmpty() && service.crashes.peekFirst().isBefore(now.minus(CRASH_WINDOW))) {
            service.crashes.removeFirst();
        }
        long backoff = Math.min(60, 1L << Math.min(service.crashes.size(), 6));
        service.nextStart = now.plusSeconds(backoff);
        if (Objects.equals(code, 3)) {
            JsonNode error = parse(words);
            service.error = new ServiceStatus.Error("InitFailed", error.path("type").asText("Error") + ": "
                    + error.path("message").asText(words), error.path("traceback").asText(null));
        } else if (Objects.equals(code, 4)) {
            service.error = new ServiceStatus.Error("BotRefused", String.valueOf(words), null);
        } else if (service.crashes.size() >= CRASH_LOOP) {
            service.error = new ServiceStatus.Error("CrashLoop", "replicas keep exiting (last exit code " + code + "): "
                    + words, null);
        }
        LOG.infof("replica %s of %s exited with %s; next start in %ds", replica.id(), spec.name(), code, backoff);
    }

    @Override
    public Observed observe(ServiceSpec spec) {
        Service service = services.get(spec.serviceId());
        if (service == null) {
            return new Observed(0, null, 0);
        }
        List<LocalReplica> current = service.replicas.stream().filter(r -> r.alive() && r.version() == spec.version()
                && !r.stopping).toList();
        int ready = (int) current.stream().filter(r -> heartbeats.ready(r.id(), config.readyWithin())).count();
        if (ready > 0) {
            service.error = null;
            service.crashes.clear();
        }
        return new Observed(ready, service.error, current.size());
    }

    /** Where the service's bot credential is kept for the next operator: its folder, readable by the owner only. */
    private Path credentialFile(String serviceId) {
        return Path.of(config.home()).toAbsolutePath().resolve("replicas").resolve(serviceId).resolve("bot.credential");
    }

    private void keep(String serviceId, String credential) {
        try {
            Path file = credentialFile(serviceId);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, credential);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("cannot keep the bot credential of %s: %s", serviceId, e.getMessage());
        }
    }

    @Override
    public Optional<String> storedCredential(String serviceId) {
        try {
            Path file = credentialFile(serviceId);
            return Files.exists(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean remove(String serviceId) {
        Service service = services.get(serviceId);
        if (service == null) {
            return true;
        }
        service.replicas.removeIf(r -> !r.alive());
        service.replicas.forEach(LocalReplica::stop);
        if (service.replicas.isEmpty()) {
            services.remove(serviceId);
            return true;
        }
        return false;
    }

    /** The replicas of a service that have not been reaped yet, alive or ended. */
    public List<LocalReplica> replicas(String serviceId) {
        Service service = services.get(serviceId);
        return service == null ? List.of() : new ArrayList<>(service.replicas);
    }

    private LocalReplica start(ServiceSpec spec, String replicaId, String botCredential, KafkaLogin kafkaLogin) {
        try {
            Path dir = Path.of(config.home()).toAbsolutePath().resolve("replicas").resolve(spec.serviceId());
            Files.createDirectories(dir);
            Path specFile = dir.resolve("spec-v" + spec.version() + ".json");
            Files.writeString(specFile, Json.mapper().writeValueAsString(spec));
            Path log = dir.resolve(replicaId + ".log");
            // the paths as the replica sees them: in its sandbox, its folder and the runtime are elsewhere
            Path own = sandbox == null ? dir : Sandbox.REPLICA;
            Path runtime = sandbox == null ? Path.of(config.runtimeDir()).toAbsolutePath() : Sandbox.RUNTIME;
            Files.createDirectories(dir.resolve("tmp"));
            Map<String, String> env = new HashMap<>(Map.of(
                    "RUNNEL_BOT_CHECK_SECONDS", String.valueOf(config.botCheckInterval().toSeconds()),
                    KafkaLogin.USERNAME_VARIABLE, kafkaLogin.username(),
                    KafkaLogin.PASSWORD_VARIABLE, kafkaLogin.password(),
                    "HOME", own.toString(),
                    "TMPDIR", own.resolve("tmp").toString()));
            env.putAll(Map.of(
                    "RUNNEL_SPEC_FILE", own.resolve(specFile.getFileName()).toString(),
                    "RUNNEL_KAFKA", kafka,
                    "RUNNEL_API", config.api(),
                    "RUNNEL_BOT_CREDENTIAL", botCredential,
                    "RUNNEL_REPLICA_ID", replicaId,
                    "RUNNEL_WORK_DIR", own.resolve("work").toString(),
                    "RUNNEL_RUNTIME_DIR", runtime.toString(),
                    "RUNNEL_PYTHON", config.python()));
            List<String> command = archive.command(env);
            if (sandbox != null) {
                command = sandbox.wrap(spec.serviceId(), dir, archive.folder(), command);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // user code runs here: it inherits none of the operator's environment (its keys, the database's
            // password, the platform's Kafka login), only what a process needs to run and the replica's own
            builder.environment().keySet().retainAll(INHERITED);
            builder.environment().putAll(env);
            Process process = builder.start();
            LOG.infof("replica %s of %s (v%d) started, pid %d, log %s", replicaId, spec.name(), spec.version(),
                    process.pid(), log);
            return new LocalReplica(replicaId, spec.version(), process, log, sandbox != null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Set<String> services() {
        return Set.copyOf(services.keySet());
    }

    @Override
    public void close() {
        services.values().forEach(s -> s.replicas.forEach(LocalReplica::stop));
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text == null ? "{}" : text);
        } catch (Exception e) {
            return Json.mapper().createObjectNode().put("message", text);
        }
    }
}
