package dev.runnel.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.dql.Filter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What this replica knows to match with: every trigger (from {@code runnel.triggers.v1}, its filter
 * compiled once) indexed by (project, resource, action), and every service's spec (from
 * {@code service-specs}). Both are compacted topics read whole, so every replica holds the same
 * triggers in the same order of changes, and an event costs the candidates of its key, not all triggers.
 */
@ApplicationScoped
public class TriggerIndex {

    /** A trigger ready to match: its document and compiled filter. */
    public record Compiled(TriggerDoc doc, Filter filter) {
    }

    private final Map<String, List<Compiled>> byKey = new ConcurrentHashMap<>();
    private final Map<String, Compiled> byId = new ConcurrentHashMap<>();
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

    static String key(String projectId, String resource, String action) {
        return projectId + '\u0000' + resource + '\u0000' + action;
    }

    /** The event triggers that may match an event of this project, resource and action. */
    public List<Compiled> candidates(String projectId, String resource, String action) {
        return byKey.getOrDefault(key(projectId, resource, action), List.of());
    }

    /** Every cron trigger. */
    public List<Compiled> cronTriggers() {
        return byId.values().stream().filter(c -> !c.doc().isEvent()).toList();
    }

    public Optional<ServiceSpec> service(String serviceId) {
        return Optional.ofNullable(services.get(serviceId));
    }

    public Collection<Compiled> all() {
        return byId.values();
    }

    /** Applies a trigger written by this replica at once (the topic brings it to the others, and here again). */
    void put(TriggerDoc doc) {
        remove(doc.id());
        Compiled compiled = new Compiled(doc, doc.isEvent() ? Filter.compile(doc.spec().filter()) : Filter.all());
        byId.put(doc.id(), compiled);
        if (doc.isEvent()) {
            for (String action : doc.spec().actions()) {
                byKey.computeIfAbsent(key(doc.projectId(), doc.spec().resource(), action),
                        k -> new CopyOnWriteArrayList<>()).add(compiled);
            }
        }
    }

    void remove(String id) {
        Compiled old = byId.remove(id);
        if (old != null && old.doc().isEvent()) {
            for (String action : old.doc().spec().actions()) {
                List<Compiled> list = byKey.get(key(old.doc().projectId(), old.doc().spec().resource(), action));
                if (list != null) {
                    list.removeIf(c -> c.doc().id().equals(id));
                }
            }
        }
    }

    private void onTrigger(String id, String json) {
        if (json == null) {
            remove(id);
            return;
        }
        TriggerDoc doc = read(json, TriggerDoc.class);
        Compiled known = byId.get(id);
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
