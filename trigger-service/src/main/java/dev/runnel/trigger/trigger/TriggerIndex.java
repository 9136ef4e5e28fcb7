package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What this replica knows to match with: every trigger (from {@code runnel.triggers.v1}, its filter
 * compiled once) indexed by (project, resource, action), and every service's spec (from
 * {@code service-specs}). Both are compacted topics read whole, so every replica holds the same
 * triggers in the same order of changes, and an event costs the candidates of its key, not all triggers.
 */
@ApplicationScoped
public class TriggerIndex {

    private static final Logger LOG = Logger.getLogger(TriggerIndex.class);

    private final TriggerTable table = new TriggerTable();
    private final Map<String, ServiceSpec> services = new ConcurrentHashMap<>();
    private final String bootstrap;
    private ConsumerLoop triggers;
    private ConsumerLoop specs;

    public TriggerIndex(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, MeterRegistry metrics) {
        this.bootstrap = bootstrap;
        // what this replica can match: replicas that agree hold the same numbers
        Gauge.builder("runnel_trigger_index_triggers", table, t -> t.all().size())
                .description("triggers this replica knows").register(metrics);
        Gauge.builder("runnel_trigger_index_active", table, t -> t.all().stream().filter(c -> c.doc().active()).count())
                .description("active triggers this replica knows").register(metrics);
    }

    void start(@Observes StartupEvent event) {
        open();
    }

    /** Starts reading both topics (once; whichever bean's startup comes first). */
    private synchronized void open() {
        if (specs == null) {
            specs = ConsumerLoop.startReading(bootstrap, "view-specs", List.of(Topics.SERVICE_SPECS), "earliest",
                    skippingUnreadable(this::onSpec));
            triggers = ConsumerLoop.startReading(bootstrap, "view-triggers", List.of(Topics.TRIGGERS), "earliest",
                    skippingUnreadable(this::onTrigger));
        }
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (triggers != null) {
            triggers.close();
        }
        if (specs != null) {
            specs.close();
        }
    }

    /** Hands a record's key and value to {@code onValue}; one that cannot be read is logged and skipped. */
    private static Consumer<ConsumerRecord<String, String>> skippingUnreadable(BiConsumer<String, String> onValue) {
        return record -> {
            try {
                onValue.accept(record.key(), record.value());
            } catch (RuntimeException e) {
                LOG.warnf("%s: skipping %s@%d: %s", record.topic(), record.key(), record.offset(), e.getMessage());
            }
        };
    }

    /** Waits until the triggers and specs that existed at start are known. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        open();
        return specs.awaitCaughtUp(timeout) && triggers.awaitCaughtUp(timeout);
    }

    /** The event triggers that may match an event of this project, resource and action. */
    public List<TriggerTable.Compiled> candidates(String projectId, String resource, String action) {
        return table.candidates(projectId, resource, action);
    }

    /** Every cron trigger. */
    public List<TriggerTable.Compiled> cronTriggers() {
        return table.all().stream().filter(c -> !c.doc().isEvent()).toList();
    }

    public Optional<ServiceSpec> service(String serviceId) {
        return Optional.ofNullable(services.get(serviceId));
    }

    /** Applies a trigger written by this replica at once (the topic brings it to the others, and here again). */
    void put(TriggerDoc doc) {
        table.put(doc);
    }

    void remove(String id) {
        table.remove(id);
    }

    private void onTrigger(String id, String json) {
        if (json == null) {
            remove(id);
            return;
        }
        TriggerDoc doc = read(json, TriggerDoc.class);
        TriggerTable.Compiled known = table.get(id);
        // a replica's own write is applied at once; an older copy arriving later must not undo a newer one
        if (known == null || !known.doc().updatedAt().isAfter(doc.updatedAt())) {
            put(doc);
        }
    }

    private void onSpec(String serviceId, String json) {
        if (json == null) {
            services.remove(serviceId);
        } else {
            services.put(serviceId, read(json, ServiceSpec.class));
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
