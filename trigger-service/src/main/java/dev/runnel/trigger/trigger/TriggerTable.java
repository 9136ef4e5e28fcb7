package dev.runnel.trigger.trigger;

import dev.runnel.dql.Filter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Triggers ready to match, each filter compiled once, indexed by (project, resource, action): an
 * event costs a hash lookup and the filters of its candidates, however many triggers exist.
 */
public final class TriggerTable {

    /** A trigger ready to match: its document and compiled filter. */
    public record Compiled(TriggerDoc doc, Filter filter) {
    }

    private final Map<String, List<Compiled>> byKey = new ConcurrentHashMap<>();
    private final Map<String, Compiled> byId = new ConcurrentHashMap<>();

    static String key(String projectId, String resource, String action) {
        return projectId + '\u0000' + resource + '\u0000' + action;
    }

    /** The event triggers that may match an event of this project, resource and action. */
    public List<Compiled> candidates(String projectId, String resource, String action) {
        return byKey.getOrDefault(key(projectId, resource, action), List.of());
    }

    public Compiled get(String id) {
        return byId.get(id);
    }

    public Collection<Compiled> all() {
        return byId.values();
    }

    /** Adds a trigger, or replaces the one with its id. */
    public void put(TriggerDoc doc) {
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

    public void remove(String id) {
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
}
