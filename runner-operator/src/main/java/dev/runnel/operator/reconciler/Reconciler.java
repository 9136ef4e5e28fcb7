package dev.runnel.operator.reconciler;

import dev.runnel.operator.replica.ReplicaDriver;
import dev.runnel.operator.replica.ReplicaLogins;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.autoscale.Scaling;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps each service's replicas in step with its spec from {@code service-specs}: as many as
 * {@link Scaling} says (none when stopped), run by the {@link ReplicaDriver} of this deployment;
 * a deleted service's replicas are removed. Publishes the resulting status on {@code service-status}
 * whenever it changes.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final OperatorConfig config;
    private final ReplicaDriver driver;
    private final BotCredentials credentials;
    private final ReplicaLogins logins;
    private final Scaling scaling;
    private final Leadership leadership;
    private final String bootstrap;
    private final Map<String, ServiceSpec> specs = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    /** Services whose last spec record is not a tombstone, readable or not. */
    private final Set<String> onTopic = ConcurrentHashMap.newKeySet();
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private KafkaProducer<String, String> producer;
    private ConsumerLoop specLoop;
    /** Work arriving for autoscaled services at zero replicas: the next round starts at once. */
    private ZeroWatch zeroWatch;
    private final Semaphore wake = new Semaphore(0);
    private Thread loop;
    private volatile boolean running = true;

    /** What the reconciler remembers of a service between rounds. */
    static final class State {
        ServiceStatus published;
        ServiceStatus.Error credentialError;
        Instant credentialRetry = Instant.EPOCH;
    }

    public Reconciler(OperatorConfig config, ReplicaDriver driver, BotCredentials credentials, ReplicaLogins logins,
                      Scaling scaling, Leadership leadership,
                      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.logins = logins;
        this.leadership = leadership;
        this.driver = driver;
        this.credentials = credentials;
        this.scaling = scaling;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        leadership.leading().thenRun(this::begin);
    }

    /** Once this operator leads: reads the specs from the start of the topic and reconciles every round. */
    private synchronized void begin() {
        if (!running) {
            return;
        }
        producer = KafkaClients.producer(bootstrap, Map.of());
        // work queued before a service is watched is in the backlog that the round it wakes reads
        zeroWatch = new ZeroWatch(bootstrap, this::workFor, serviceId -> wake.release());
        specLoop = ConsumerLoop.startReading(bootstrap, "runner-operator-specs",
                List.of(Topics.SERVICE_SPECS), "earliest", record -> {
                    if (record.value() == null) {
                        deleted.add(record.key());
                        specs.remove(record.key());
                        onTopic.remove(record.key());
                    } else {
                        onTopic.add(record.key());
                        ServiceSpec spec = read(record.value());
                        if (spec != null) {
                            deleted.remove(spec.serviceId());
                            specs.put(spec.serviceId(), spec);
                        }
                    }
                    watchServicesAtZero(); // a new service is watched before the first round decides on it
                });
        loop = new Thread(this::run, "reconciler");
        loop.setDaemon(true);
        loop.start();
        LOG.infof("reconciling with the %s driver", config.driver());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        synchronized (this) {
            running = false;
        }
        if (loop == null) {
            return; // never led
        }
        loop.interrupt();
        loop.join(5000);
        specLoop.close();
        zeroWatch.close();
        driver.close();
        producer.close(Duration.ofSeconds(2));
    }

    private void run() {
        while (running) {
            try {
                if (wake.tryAcquire(config.reconcileInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
                Set<String> services = new HashSet<>(specs.keySet());
                services.addAll(deleted);
                services.addAll(orphans());
                scaling.measure(specs.values());
                for (String serviceId : services) {
                    try {
                        reconcile(serviceId);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "reconcile of %s failed", serviceId);
                    }
                }
                watchServicesAtZero();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Has {@link #zeroWatch} watch the work topics of the active autoscaled services with no replica. The
     * spec reader and the rounds both call it; one at a time, so that an older set never replaces a newer.
     */
    private void watchServicesAtZero() {
        synchronized (zeroWatch) {
            Set<String> atZero = new HashSet<>();
            specs.values().forEach(spec -> {
                if (waitsAtZero(spec)) {
                    atZero.add(spec.serviceId());
                }
            });
            zeroWatch.watch(atZero);
        }
    }

    private boolean waitsAtZero(ServiceSpec spec) {
        return spec != null && spec.active() && spec.runtime().autoscaler() != null && scaling.atZero(spec.serviceId());
    }

    /**
     * Work arrived for a service at zero replicas: reconciling now instead of at the next round starts
     * one up to a round sooner.
     */
    private void workFor(String serviceId) {
        if (waitsAtZero(specs.get(serviceId))) {
            scaling.demand(serviceId); // the round's backlog may have been read before the item arrived
            wake.release();
        }
    }

    /**
     * What the driver runs for services the spec topic does not have (any more): once the topic is
     * read to where it ended at start, they are deleted services whose tombstone was compacted away
     * while the operator was down, and are removed like any deleted service.
     */
    private Set<String> orphans() {
        if (!specLoop.caughtUp()) {
            return Set.of();
        }
        Set<String> orphans = new HashSet<>(driver.services());
        orphans.removeAll(onTopic);
        for (String orphan : orphans) {
            if (deleted.add(orphan)) {
                LOG.infof("service %s runs but is not on %s: removing it", orphan, Topics.SERVICE_SPECS);
            }
        }
        return orphans;
    }

    void reconcile(String serviceId) {
        ServiceSpec spec = specs.get(serviceId);
        if (spec == null) {
            scaling.replicas(null, () -> 0);
            if (driver.remove(serviceId) && loginRemoved(serviceId)) {
                deleted.remove(serviceId);
                states.remove(serviceId);
            }
            return;
        }
        State state = states.computeIfAbsent(serviceId, id -> new State());
        int want = scaling.replicas(spec, () -> driver.observe(spec).replicas());
        String credential = want == 0 ? null : credential(spec, state);
        KafkaLogin login = credential == null ? null : login(spec, state);
        if (want == 0 || login != null) {
            driver.apply(spec, want, credential, login);
        }
        publish(spec, state, want, driver.observe(spec));
    }

    /** The bot's credential, or null (with the reason kept for the status) while bot-service cannot give one. */
    private String credential(ServiceSpec spec, State state) {
        if (Instant.now().isBefore(state.credentialRetry)) {
            return null;
        }
        try {
            String credential = credentials.of(spec.serviceId(), spec.botUserName(),
                    () -> driver.storedCredential(spec.serviceId()));
            state.credentialError = null;
            return credential;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("no credential for the bot %s of %s: %s", spec.botUserName(), spec.name(), e.getMessage());
            state.credentialRetry = Instant.now().plusSeconds(5);
            state.credentialError = new ServiceStatus.Error("BotCredential", String.valueOf(e.getMessage()), null);
            return null;
        }
    }

    /** The replicas' Kafka login, or null (with the reason kept for the status) while Kafka cannot make it. */
    private KafkaLogin login(ServiceSpec spec, State state) {
        try {
            return logins.of(spec.serviceId());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("no Kafka login for the replicas of %s: %s", spec.name(), e.getMessage());
            state.credentialRetry = Instant.now().plusSeconds(5);
            state.credentialError = new ServiceStatus.Error("KafkaLogin", String.valueOf(e.getMessage()), null);
            return null;
        }
    }

    /**
     * Whether the principal of a deleted service's replicas is gone, and its bot credential revoked
     * (tried again next round if not).
     */
    private boolean loginRemoved(String serviceId) {
        try {
            logins.remove(serviceId);
            credentials.end(serviceId);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("the Kafka login of the replicas of %s is not removed yet: %s", serviceId, e.getMessage());
            return false;
        }
    }

    private void publish(ServiceSpec spec, State state, int want, ReplicaDriver.Observed observed) {
        ServiceStatus.Error error = observed.error() != null ? observed.error() : state.credentialError;
        ServiceStatus.State status = !spec.active() ? ServiceStatus.State.Inactive
                : observed.ready() > 0 || want == 0 ? ServiceStatus.State.Active // 0 wanted: scaled to zero, idle
                : error != null ? ServiceStatus.State.Error : ServiceStatus.State.Initializing;
        ServiceStatus next = new ServiceStatus(UUID.randomUUID().toString(), spec.serviceId(), spec.version(), status,
                observed.ready(), want, status == ServiceStatus.State.Error ? error : null, Instant.now());
        ServiceStatus last = state.published;
        if (last != null && last.status() == next.status() && last.readyReplicas() == next.readyReplicas()
                && last.version() == next.version() && last.desiredReplicas() == next.desiredReplicas()
                && Objects.equals(last.error(), next.error())) {
            return;
        }
        state.published = next;
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.SERVICE_STATUS, spec.serviceId(),
                    Json.mapper().writeValueAsString(next));
            record.headers().add(Topics.HEADER_EVENT_ID, next.eventId().getBytes(StandardCharsets.UTF_8));
            producer.send(record);
            LOG.infof("service %s: %s (%d/%d ready)", spec.name(), status, observed.ready(), want);
        } catch (Exception e) {
            state.published = last;
        }
    }

    /** A spec, or null (logged) when it cannot be read: it is skipped rather than retried forever. */
    private static ServiceSpec read(String json) {
        try {
            return Json.mapper().readValue(json, ServiceSpec.class);
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable ServiceSpec: %s", e.getMessage());
            return null;
        }
    }
}
