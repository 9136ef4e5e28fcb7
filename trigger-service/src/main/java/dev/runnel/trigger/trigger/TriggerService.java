package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.TriggerType;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Triggers: created, read, changed and deleted, each change published on {@code runnel.triggers.v1}
 * through the outbox so that every replica's index follows.
 */
@ApplicationScoped
public class TriggerService {

    private final TriggerRepository triggers;
    private final Db db;
    private final Outbox outbox;
    private final TriggerIndex index;
    private final TransactionSynchronizationRegistry transactions;

    public TriggerService(TriggerRepository triggers, Db db, Outbox outbox, TriggerIndex index,
                          TransactionSynchronizationRegistry transactions) {
        this.triggers = triggers;
        this.db = db;
        this.outbox = outbox;
        this.index = index;
        this.transactions = transactions;
    }

    @Transactional
    public TriggerDoc create(TriggerRequest request, Caller caller) {
        TriggerType type = TriggerSpecs.type(request.type(), "type");
        String name = TriggerSpecs.required(request.name(), "name");
        TriggerDoc.Spec spec = TriggerSpecs.spec(type, request.spec());
        ServiceSpec service = index.service(spec.operation().serviceId())
                .orElseThrow(() -> Refusal.notFound("service", spec.operation().serviceId()));
        caller.mayWrite(service.projectId(), () -> Refusal.notFound("service", service.serviceId()));
        String projectId = request.projectId() != null ? TriggerSpecs.required(request.projectId(), "projectId")
                : service.projectId();
        if (!projectId.equals(service.projectId())) {
            throw Refusal.invalid("projectId", "service " + service.serviceId() + " belongs to project "
                    + service.projectId());
        }
        TriggerSpecs.checkFunction(service.module(), spec);
        boolean active = request.active() == null || request.active();
        return insert(service, name, type, active, spec, caller.username(), false);
    }

    /** Writes a new trigger of a service, and publishes it. */
    public TriggerDoc insert(ServiceSpec service, String name, TriggerType type, boolean active, TriggerDoc.Spec spec,
                             String creator, boolean fromSpec) {
        Instant now = now();
        TriggerDoc doc = new TriggerDoc(Ids.next(), name, service.projectId(), service.serviceId(), type, active,
                creator, now, now, spec, new TriggerDoc.Stats(0, 0, 0));
        Instant cronFrom = doc.isEvent() ? null
                : spec.startAt() != null && spec.startAt().isAfter(now) ? spec.startAt().minusSeconds(1) : now;
        try {
            triggers.insert(doc, fromSpec, cronFrom);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                transactions.setRollbackOnly();
                throw Refusal.conflict("service " + service.name() + " already has a trigger named '" + name + "'");
            }
            throw e;
        }
        publish(doc);
        return doc;
    }

    public TriggerDoc get(String id, Caller caller) {
        TriggerDoc doc = triggers.find(id).orElseThrow(() -> Refusal.notFound("trigger", id));
        caller.mayRead(doc.projectId(), () -> Refusal.notFound("trigger", id));
        return doc;
    }

    public TriggerDoc load(String id) {
        return triggers.find(id).orElseThrow(() -> Refusal.notFound("trigger", id));
    }

    public Page<TriggerDoc> list(String projectId, String serviceId, PageRequest page, Caller caller) {
        if (serviceId != null) {
            ServiceSpec service = index.service(serviceId).orElseThrow(() -> Refusal.notFound("service", serviceId));
            caller.mayRead(service.projectId(), () -> Refusal.notFound("service", serviceId));
            return triggers.page("service_id", serviceId, page);
        }
        if (projectId != null) {
            caller.mayRead(projectId);
            return triggers.page("project_id", projectId, page);
        }
        throw Refusal.invalid("serviceId", "give serviceId or projectId");
    }

    /** Changes {@code active}, {@code name} or fields of {@code spec} (its type and service stay). */
    @Transactional
    public TriggerDoc update(String id, TriggerRequest.Patch patch, Caller caller) {
        TriggerDoc doc = lock(id, caller);
        boolean active = patch.active() != null ? patch.active() : doc.active();
        String name = patch.name() != null ? TriggerSpecs.required(patch.name(), "name") : doc.name();
        TriggerDoc.Spec spec = doc.spec();
        if (patch.spec() != null) {
            if (!patch.spec().isObject()) {
                throw Refusal.invalid("spec", "must be a JSON object");
            }
            ObjectNode merged = Json.mapper().valueToTree(doc.spec());
            patch.spec().fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
            spec = TriggerSpecs.spec(doc.type(), merged, "spec.");
            if (!spec.operation().serviceId().equals(doc.serviceId())) {
                throw Refusal.invalid("spec.operation.serviceId", "a trigger stays with its service; create another");
            }
            ServiceSpec service = index.service(doc.serviceId())
                    .orElseThrow(() -> Refusal.notFound("service", doc.serviceId()));
            TriggerSpecs.checkFunction(service.module(), spec);
        }
        replace(doc.with(active, spec, name, now()));
        return load(id);
    }

    /** Writes a changed trigger, and publishes it. */
    public void replace(TriggerDoc next) {
        try {
            triggers.update(next);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                transactions.setRollbackOnly();
                throw Refusal.conflict("the service already has a trigger named '" + next.name() + "'");
            }
            throw e;
        }
        publish(next);
    }

    @Transactional
    public void delete(String id, Caller caller) {
        lock(id, caller);
        remove(id);
    }

    /** Deletes a trigger and publishes its tombstone. */
    public void remove(String id) {
        triggers.delete(id);
        outbox.append(Topics.TRIGGERS, id, Outbox.newEventId(), null);
        db.afterCommit(() -> index.remove(id));
    }

    /**
     * Checks the triggers of a service JSON against the module they will run (before the registry
     * deploys it); a bad one is a 400 naming {@code triggers[i].<field>}.
     */
    public void checkDefinitions(String projectId, String serviceId, Module module, List<JsonNode> definitions,
                                 Caller caller) {
        if (projectId == null || module == null) {
            throw Refusal.invalid(projectId == null ? "projectId" : "module", "is required");
        }
        caller.mayWrite(projectId);
        // names the service's hand-made triggers hold: a service JSON's trigger may not take one
        Set<String> byHand = serviceId == null ? Set.of() : triggers.namesMadeByHand(serviceId, projectId);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < (definitions == null ? 0 : definitions.size()); i++) {
            String at = "triggers[" + i + "]";
            try {
                Definition definition = Definition.of(definitions.get(i), "check");
                if (!names.add(definition.name())) {
                    throw Refusal.invalid("name", "two triggers are named '" + definition.name() + "'");
                }
                if (byHand.contains(definition.name())) {
                    throw Refusal.invalid("name", "the service already has a trigger named '" + definition.name()
                            + "', made with POST /triggers; give this one another name or delete that one");
                }
                TriggerSpecs.checkFunction(module, definition.spec());
            } catch (Refusal.Invalid e) {
                throw Refusal.invalid(definitionField(at, e.field()), e.detail());
            }
        }
    }

    /** A field of a trigger's spec as the service JSON's flat form names it. */
    private static String definitionField(String at, String field) {
        if (field == null || field.isEmpty()) {
            return at;
        }
        if (field.equals("spec.operation.functionName")) {
            return at + ".function";
        }
        return at + "." + (field.startsWith("spec.") ? field.substring("spec.".length()) : field);
    }

    private TriggerDoc lock(String id, Caller caller) {
        TriggerDoc doc = triggers.lock(id);
        caller.mayWrite(doc.projectId(), () -> Refusal.notFound("trigger", id));
        return doc;
    }

    private void publish(TriggerDoc doc) {
        TriggerDoc plain = doc.withStats(null);
        outbox.append(Topics.TRIGGERS, doc.id(), Outbox.newEventId(), Db.json(plain));
        db.afterCommit(() -> index.put(plain));
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
