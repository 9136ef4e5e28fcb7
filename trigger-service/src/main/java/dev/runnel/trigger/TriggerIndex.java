package dev.runnel.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What this replica knows to match with: every trigger (from {@code runnel.triggers.v1}, its filter
 * compiled once) indexed by (project, resource, action), and every service's spec (from
 * {@code service-specs}). Both are compacted topics read whole, so every replica holds the same
 * triggers in the same order of changes, and an event costs the candidates of its key, not all triggers.
 */
@ApplicationScoped
public class TriggerIndex {

    private final TriggerTable table = new TriggerTable();
    private final Map<String, ServiceSpec> services = new ConcurrentHashMap<>();
    private final String bootstrap;
    private TopicView triggers;
    private TopicView specs;

    public TriggerIndex(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        open();
    }

    /** Starts reading both topics (once; whichever bean's startup comes first). */
    private synchronized void open() {
        if (specs == null) {
            specs = new TopicView(bootstrap, Topics.SERVICE_SPECS, this::onSpec);
            triggers = new TopicView(bootstrap, Topics.TRIGGERS, this::onTrigger);
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

    /** Waits until the triggers and specs that existed at start are known. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
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
