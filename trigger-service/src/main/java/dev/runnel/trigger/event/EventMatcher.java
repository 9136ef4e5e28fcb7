package dev.runnel.trigger.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.kit.kafka.KafkaTopics;
import dev.runnel.trigger.TriggerConfig;
import dev.runnel.trigger.trigger.ExecutionRequests;
import dev.runnel.trigger.trigger.Resources;
import dev.runnel.trigger.trigger.TriggerDoc;
import dev.runnel.trigger.trigger.TriggerIndex;
import dev.runnel.trigger.trigger.TriggerRepository;
import dev.runnel.trigger.trigger.TriggerSpecs;
import dev.runnel.trigger.trigger.TriggerTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Matches resource events with triggers: the candidates of the event's (project, resource, action),
 * their compiled filters on the resource JSON, the execution mode, and the loop guard; each match
 * becomes an execution request (idempotency key: trigger id and event id) through the outbox, in one
 * transaction per poll. The replicas share the events (one consumer group); malformed events are
 * counted and skipped.
 */
@ApplicationScoped
public class EventMatcher {

    private static final Logger LOG = Logger.getLogger(EventMatcher.class);

    private final TriggerRepository triggers;
    private final ExecutionRequests requests;
    private final TriggerIndex index;
    private final TriggerConfig config;
    private final MeterRegistry metrics;
    private final String bootstrap;
    private volatile ConsumerLoop loop;
    private volatile boolean stopped;

    public EventMatcher(TriggerRepository triggers, ExecutionRequests requests, TriggerIndex index, TriggerConfig config,
                        MeterRegistry metrics, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.triggers = triggers;
        this.requests = requests;
        this.index = index;
        this.config = config;
        this.metrics = metrics;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        Thread starter = new Thread(() -> {
            try {
                // match only once the triggers that existed at start are known
                if (!index.awaitCaughtUp(Duration.ofMinutes(2))) {
                    LOG.warn("triggers not caught up after 2 minutes; matching anyway");
                }
            } catch (InterruptedException e) {
                return;
            }
            ensureEventTopic();
            synchronized (this) {
                if (!stopped) {
                    loop = ConsumerLoop.startBatches(bootstrap, "trigger-service-events",
                            List.of(Topics.RESOURCE_EVENTS), "earliest", this::handle);
                }
            }
        }, "event-matcher-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * Creates {@code resource-events} with {@code runnel.trigger.event-partitions} partitions if it is
     * missing, so that a producer's auto-creation (one partition) cannot keep the replicas from sharing it.
     */
    private void ensureEventTopic() {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            KafkaTopics.createIfMissing(admin, new NewTopic(Topics.RESOURCE_EVENTS, config.eventPartitions(), (short) 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("cannot create %s: %s", Topics.RESOURCE_EVENTS, e.getMessage());
        }
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (loop != null) {
            loop.close();
        }
    }

    private void handle(List<ConsumerRecord<String, String>> records) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (ConsumerRecord<String, String> record : records) {
                ResourceEvent event;
                try {
                    event = ResourceEvent.of(record);
                } catch (ResourceEvent.Malformed e) {
                    metrics.counter("runnel_trigger_events_skipped", "reason", e.reason()).increment();
                    LOG.debugf("skipping a malformed event at %s-%d@%d: %s", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
                    continue;
                }
                match(event);
            }
        });
    }

    /** Fires every trigger the event matches; the caller's transaction holds the writes. */
    void match(ResourceEvent event) {
        List<TriggerTable.Compiled> candidates = index.candidates(event.projectId(), event.resource(), event.action());
        if (candidates.isEmpty()) {
            return;
        }
        JsonNode resource = event.data() == null ? Json.mapper().createObjectNode() : event.data();
        for (TriggerTable.Compiled candidate : candidates) {
            TriggerDoc trigger = candidate.doc();
            if (!trigger.active()) {
                continue;
            }
            Optional<ServiceSpec> service = index.service(trigger.serviceId());
            if (service.isEmpty() || !service.get().active()) {
                continue; // a trigger of a stopped or deleted service is inactive
            }
            if (!candidate.filter().test(resource)) {
                continue;
            }
            if (event.actorId() != null && event.actorId().equals(service.get().botUserName())
                    && !Boolean.TRUE.equals(trigger.spec().allowOwnEvents())) {
                stopped(trigger, TriggerRepository.Stat.OWN_EVENT_IGNORED, "own-event");
                continue;
            }
            if (event.hop() > config.maxHops()) {
                stopped(trigger, TriggerRepository.Stat.CHAIN_STOPPED, "too-deep");
                continue;
            }
            if (!trigger.always() && !triggers.firstFiringFor(trigger.id(), event.resourceId(), event.id())) {
                continue; // Once: this resource ran this trigger before
            }
            fire(trigger, service.get(), event);
        }
    }

    private void stopped(TriggerDoc trigger, TriggerRepository.Stat stat, String reason) {
        triggers.count(trigger.id(), stat);
        metrics.counter("runnel_trigger_loop_guard", "reason", reason).increment();
    }

    private void fire(TriggerDoc trigger, ServiceSpec service, ResourceEvent event) {
        Module.Function function = service.module().function(trigger.spec().operation().functionName()).orElse(null);
        Optional<String> entity = function == null ? Optional.empty()
                : TriggerSpecs.entityInput(function, event.resource());
        if (entity.isEmpty()) {
            LOG.warnf("trigger %s: function %s of service %s no longer takes a %s; not fired", trigger.id(),
                    trigger.spec().operation().functionName(), service.name(), event.resource());
            return;
        }
        ObjectNode input = trigger.spec().input() == null ? Json.mapper().createObjectNode()
                : trigger.spec().input().deepCopy();
        input.set(entity.get(), Json.mapper().createObjectNode().put(
                Resources.inputType(event.resource()).toLowerCase() + "_id", event.resourceId()));
        requests.request(trigger, service, input, trigger.id() + ":" + event.id(), event.context());
        triggers.count(trigger.id(), TriggerRepository.Stat.FIRED);
        metrics.counter("runnel_trigger_fired", "type", "Event").increment();
    }
}
