package dev.runnel.operator.autoscale;

import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.replica.Heartbeats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * How many replicas each service should have now: none while it is stopped, {@code replicas} without
 * an autoscaler, else what its {@link Autoscaler} decides from the backlog on its work topic and the
 * calls its replicas report in flight. Every change is logged with its inputs, and the inputs and
 * decisions are metrics ({@code runnel_autoscaler_*}, tagged by service).
 */
@ApplicationScoped
public class Scaling {

    private static final Logger LOG = Logger.getLogger(Scaling.class);

    private final WorkBacklog backlog;
    private final Heartbeats heartbeats;
    private final OperatorConfig config;
    private final MeterRegistry metrics;
    private final Map<String, Scaled> byService = new ConcurrentHashMap<>();
    /** The backlog of every autoscaled service, measured in one batch for the current round. */
    private volatile Backlogs measured = new Backlogs(Map.of(), null);
    private final Set<String> demanded = ConcurrentHashMap.newKeySet();

    /** A round's backlogs, or why they could not be read. */
    private record Backlogs(Map<String, Long> queued, String error) {
    }

    /** A service's autoscaler and the values its gauges read. */
    private static final class Scaled {
        final Autoscaler autoscaler;
        final AtomicLong queued = new AtomicLong();
        final AtomicLong inFlight = new AtomicLong();
        final AtomicLong desired = new AtomicLong();

        Scaled(int running) {
            autoscaler = new Autoscaler(running);
            desired.set(running);
        }
    }

    public Scaling(WorkBacklog backlog, Heartbeats heartbeats, OperatorConfig config, MeterRegistry metrics) {
        this.backlog = backlog;
        this.heartbeats = heartbeats;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Measures the backlog of every active autoscaled service at once (four requests to Kafka), for
     * the {@link #replicas} calls of the round that follows.
     */
    public void measure(Collection<ServiceSpec> specs) {
        List<String> autoscaled = specs.stream().filter(s -> s.active() && s.runtime().autoscaler() != null)
                .map(ServiceSpec::serviceId).toList();
        try {
            measured = new Backlogs(backlog.queued(autoscaled), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            measured = new Backlogs(Map.of(), "interrupted");
        } catch (Exception e) {
            measured = new Backlogs(Map.of(), String.valueOf(e.getMessage()));
        }
    }

    private long queued(String serviceId) throws Exception {
        Backlogs round = measured;
        Long queued = round.queued().get(serviceId);
        if (queued != null) {
            return queued;
        }
        if (round.error() != null) {
            throw new IllegalStateException(round.error());
        }
        return backlog.queued(serviceId); // a service that was not in the round's batch
    }

    /**
     * The replicas {@code spec} asks for now; the last decision when its load cannot be read.
     *
     * @param running how many replicas the service has now, asked only when its autoscaler starts
     */
    public int replicas(ServiceSpec spec, IntSupplier running) {
        if (spec == null || !spec.active()) {
            forget(spec == null ? null : spec.serviceId());
            return 0;
        }
        if (spec.runtime().autoscaler() == null) {
            forget(spec.serviceId());
            return spec.runtime().replicas();
        }
        Scaled scaled = byService.computeIfAbsent(spec.serviceId(), id -> register(id, running.getAsInt()));
        Autoscaler.Load load;
        try {
            long queued = queued(spec.serviceId());
            load = new Autoscaler.Load(demanded.remove(spec.serviceId()) ? Math.max(1, queued) : queued,
                    heartbeats.inFlight(spec.serviceId(), config.readyWithin()));
        } catch (Exception e) {
            LOG.warnf("autoscaler of %s: cannot read its load (%s); keeping %d replicas", spec.name(), e.getMessage(),
                    scaled.desired.get());
            return (int) scaled.desired.get();
        }
        Autoscaler.Decision decision = scaled.autoscaler.decide(spec.runtime().autoscaler(), load, Instant.now());
        scaled.queued.set(load.queued());
        scaled.inFlight.set(load.inFlight());
        scaled.desired.set(decision.replicas());
        if (decision.changed()) {
            metrics.counter("runnel_autoscaler_decisions", Tags.of("service", spec.serviceId())).increment();
        }
        if (decision.changed() || LOG.isDebugEnabled()) {
            // a change at INFO; the decisions that keep the count (every round) at DEBUG
            Runtime.Autoscaler range = spec.runtime().autoscaler();
            LOG.logf(decision.changed() ? Logger.Level.INFO : Logger.Level.DEBUG,
                    "autoscaler of %s: %d replicas (%s; queued %d, in flight %d, needed %d, min %s, max %s,"
                            + " queueLength %s, cooldown %ss)", spec.name(), decision.replicas(), decision.why(),
                    load.queued(), load.inFlight(), decision.needed(), range.minReplicas(), range.maxReplicas(),
                    range.queueLength(), range.cooldownSeconds());
        }
        return decision.replicas();
    }

    /**
     * An execution was just created for the service: its work item may not be on the work topic yet,
     * but the next decision counts it as queued.
     */
    public void demand(String serviceId) {
        demanded.add(serviceId);
    }

    /** Whether the service's autoscaler last decided on no replica (or has decided nothing yet). */
    public boolean atZero(String serviceId) {
        Scaled scaled = byService.get(serviceId);
        return scaled == null || scaled.desired.get() == 0;
    }

    private Scaled register(String serviceId, int running) {
        Scaled scaled = new Scaled(running);
        Tags tags = Tags.of("service", serviceId);
        metrics.gauge("runnel_autoscaler_queued", tags, scaled.queued);
        metrics.gauge("runnel_autoscaler_in_flight", tags, scaled.inFlight);
        metrics.gauge("runnel_autoscaler_desired_replicas", tags, scaled.desired);
        return scaled;
    }

    private void forget(String serviceId) {
        if (serviceId == null || byService.remove(serviceId) == null) {
            return;
        }
        Tags tags = Tags.of("service", serviceId);
        for (String name : new String[]{"runnel_autoscaler_queued", "runnel_autoscaler_in_flight",
                "runnel_autoscaler_desired_replicas"}) {
            var gauge = metrics.find(name).tags(tags).gauge();
            if (gauge != null) {
                metrics.remove(gauge);
            }
        }
        Counter counter = metrics.find("runnel_autoscaler_decisions").tags(tags).counter();
        if (counter != null) {
            metrics.remove(counter);
        }
    }
}
