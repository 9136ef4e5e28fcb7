package dev.runnel.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.operator.OperatorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps each service's replicas in step with its spec from {@code service-specs}: {@code replicas}
 * of the current version while active, none when stopped or deleted; replicas of an older version
 * are replaced; a crashed replica is started again with backoff. Publishes the resulting status on
 * {@code service-status} whenever it changes.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final int CRASH_LOOP = 3;
    private static final Duration CRASH_WINDOW = Duration.ofMinutes(2);

    private final OperatorConfig config;
    private final ReplicaDriver driver;
    private final BotCredentials credentials;
    private final String bootstrap;
    private final Map<String, ServiceSpec> specs = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> readySeen = new ConcurrentHashMap<>();
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private KafkaProducer<String, String> producer;
    private ConsumerLoop specLoop;
    private ConsumerLoop beatLoop;
    private Thread loop;
    private volatile boolean running = true;

    /** What the reconciler remembers of a service between rounds. */
    static final class State {
        final Deque<Instant> crashes = new ArrayDeque<>();
        Instant nextStart = Instant.EPOCH;
        ServiceStatus.Error error;
        ServiceStatus published;
    }

    public Reconciler(OperatorConfig config, ReplicaDriver driver, BotCredentials credentials,
                      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.driver = driver;
        this.credentials = credentials;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(),
                new StringSerializer());
        specLoop = ConsumerLoop.start(bootstrap, "runner-operator-specs-" + UUID.randomUUID(),
                List.of(Topics.SERVICE_SPECS), "earliest", record -> {
                    if (record.value() == null) {
                        deleted.add(record.key());
                        specs.remove(record.key());
                    } else {
                        ServiceSpec spec = read(record.value(), ServiceSpec.class);
                        if (spec != null) {
                            deleted.remove(spec.serviceId());
                            specs.put(spec.serviceId(), spec);
                        }
                    }
                });
        beatLoop = ConsumerLoop.start(bootstrap, "runner-operator-beats-" + UUID.randomUUID(),
                List.of(Topics.REPLICA_HEARTBEATS), "latest", record -> {
                    ReplicaHeartbeat beat = read(record.value(), ReplicaHeartbeat.class);
                    if (beat == null) {
                        return;
                    }
                    if (beat.ready()) {
                        readySeen.put(beat.replicaId(), Instant.now());
                    } else {
                        readySeen.remove(beat.replicaId());
                    }
                });
        loop = new Thread(this::run, "reconciler");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        specLoop.close();
        beatLoop.close();
        producer.close(Duration.ofSeconds(2));
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(config.reconcileInterval().toMillis());
                Set<String> services = new HashSet<>(specs.keySet());
                services.addAll(deleted);
                services.addAll(states.keySet());
                for (String serviceId : services) {
                    reconcile(serviceId);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "reconcile failed");
            }
        }
    }

    /** The replicas a spec asks for now. */
    static int desired(ServiceSpec spec) {
        if (spec == null || !spec.active()) {
            return 0;
        }
        if (spec.runtime().autoscaler() != null) {
            return Math.max(1, spec.runtime().autoscaler().minReplicas());
        }
        return spec.runtime().replicas();
    }

    void reconcile(String serviceId) {
        ServiceSpec spec = specs.get(serviceId);
        State state = states.computeIfAbsent(serviceId, id -> new State());
        int want = desired(spec);
        Instant now = Instant.now();

        for (ReplicaDriver.Replica replica : driver.replicas(serviceId)) {
            if (!replica.alive()) {
                ended(serviceId, spec, state, replica, now);
                driver.forget(replica);
            } else if (spec == null || replica.version() != spec.version()) {
                LOG.infof("replica %s of %s: stopping (its version %d is not the current one)", replica.id(),
                        serviceId, replica.version());
                replica.stop();
            }
        }
        List<ReplicaDriver.Replica> current = driver.replicas(serviceId).stream()
                .filter(r -> r.alive() && spec != null && r.version() == spec.version()).toList();
        if (current.size() > want) {
            current.subList(want, current.size()).forEach(ReplicaDriver.Replica::stop);
        } else if (current.size() < want && !now.isBefore(state.nextStart)) {
            try {
                driver.start(spec, serviceId + "-" + UUID.randomUUID().toString().substring(0, 8),
                        credentials.of(spec.botUserName()));
            } catch (Exception e) {
                LOG.warnf("cannot start a replica of %s: %s", serviceId, e.getMessage());
                state.nextStart = now.plusSeconds(5);
            }
        }
        publish(serviceId, spec, state, want);
        if (spec == null && driver.replicas(serviceId).isEmpty()) {
            states.remove(serviceId);
            deleted.remove(serviceId);
        }
    }

    private void ended(String serviceId, ServiceSpec spec, State state, ReplicaDriver.Replica replica, Instant now) {
        Integer code = replica.exitCode();
        boolean wanted = spec != null && spec.active() && replica.version() == spec.version();
        if (!wanted) {
            return; // stopped on purpose: not a crash
        }
        String words = replica.lastWords();
        state.crashes.addLast(now);
        while (!state.crashes.isEmpty() && state.crashes.peekFirst().isBefore(now.minus(CRASH_WINDOW))) {
            state.crashes.removeFirst();
        }
        long backoff = Math.min(60, 1L << Math.min(state.crashes.size(), 6));
        state.nextStart = now.plusSeconds(backoff);
        if (Objects.equals(code, 3)) {
            JsonNode error = parse(words);
            state.error = new ServiceStatus.Error("InitFailed", error.path("type").asText("Error") + ": "
                    + error.path("message").asText(words), error.path("traceback").asText(null));
        } else if (Objects.equals(code, 4)) {
            state.error = new ServiceStatus.Error("BotRefused", String.valueOf(words), null);
        } else if (state.crashes.size() >= CRASH_LOOP) {
            state.error = new ServiceStatus.Error("CrashLoop", "replicas keep exiting (last exit code " + code + "): "
                    + words, null);
        }
        LOG.infof("replica %s of %s exited with %s; next start in %ds", replica.id(), serviceId, code, backoff);
    }

    private void publish(String serviceId, ServiceSpec spec, State state, int want) {
        Instant fresh = Instant.now().minus(config.readyWithin());
        long ready = spec == null ? 0 : driver.replicas(serviceId).stream()
                .filter(r -> r.alive() && r.version() == spec.version())
                .filter(r -> readySeen.getOrDefault(r.id(), Instant.EPOCH).isAfter(fresh)).count();
        if (ready > 0) {
            state.error = null;
            state.crashes.clear();
        }
        ServiceStatus.State status = want == 0 ? ServiceStatus.State.Inactive
                : ready > 0 ? ServiceStatus.State.Active
                : state.error != null ? ServiceStatus.State.Error : ServiceStatus.State.Initializing;
        if (spec == null) {
            return;
        }
        ServiceStatus next = new ServiceStatus(UUID.randomUUID().toString(), serviceId, spec.version(), status,
                (int) ready, want, status == ServiceStatus.State.Error ? state.error : null, Instant.now());
        ServiceStatus last = state.published;
        if (last != null && last.status() == next.status() && last.readyReplicas() == next.readyReplicas()
                && last.version() == next.version() && last.desiredReplicas() == next.desiredReplicas()
                && Objects.equals(last.error(), next.error())) {
            return;
        }
        state.published = next;
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.SERVICE_STATUS, serviceId,
                    Json.mapper().writeValueAsString(next));
            record.headers().add(Topics.HEADER_EVENT_ID, next.eventId().getBytes(StandardCharsets.UTF_8));
            producer.send(record);
            LOG.infof("service %s: %s (%d/%d ready)", spec.name(), status, ready, want);
        } catch (Exception e) {
            state.published = last;
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text == null ? "{}" : text);
        } catch (Exception e) {
            return Json.mapper().createObjectNode().put("message", text);
        }
    }

    /** A message, or null (logged) when it cannot be read: it is skipped rather than retried forever. */
    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable %s: %s", type.getSimpleName(), e.getMessage());
            return null;
        }
    }
}
