package dev.runnel.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.dql.DqlException;
import dev.runnel.dql.Filter;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.kit.web.ApiException;
import dev.runnel.kit.web.Page;
import dev.runnel.kit.web.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Triggers: created, read, changed and deleted in PostgreSQL, each change published on
 * {@code runnel.triggers.v1} through the outbox so that every replica's index follows.
 */
@ApplicationScoped
public class Triggers {

    private static final Set<String> CREATE_FIELDS = Set.of("type", "active", "projectId", "name", "spec");
    private static final Set<String> PATCH_FIELDS = Set.of("active", "name", "spec");

    private final Db db;
    private final Outbox outbox;
    private final TriggerIndex index;
    private final TransactionSynchronizationRegistry transactions;

    public Triggers(Db db, Outbox outbox, TriggerIndex index, TransactionSynchronizationRegistry transactions) {
        this.db = db;
        this.outbox = outbox;
        this.index = index;
        this.transactions = transactions;
    }

    @Transactional
    public TriggerDoc create(JsonNode body, Caller caller) {
        requireObject(body, "body");
        onlyKnown(body, CREATE_FIELDS, "");
        String type = text(body, "type", "type", true);
        if (!type.equals(TriggerDoc.EVENT) && !type.equals(TriggerDoc.CRON)) {
            throw ApiException.invalid("type", "must be Event or Cron, not '" + type + "'");
        }
        String name = text(body, "name", "name", true);
        JsonNode specJson = body.get("spec");
        requireObject(specJson, "spec");
        TriggerDoc.Spec spec = spec(type, specJson);
        ServiceSpec service = index.service(spec.operation().serviceId())
                .orElseThrow(() -> ApiException.notFound("service", spec.operation().serviceId()));
        caller.mayWrite(service.projectId(), () -> ApiException.notFound("service", service.serviceId()));
        String projectId = body.hasNonNull("projectId") ? text(body, "projectId", "projectId", true) : service.projectId();
        if (!projectId.equals(service.projectId())) {
            throw ApiException.invalid("projectId", "service " + service.serviceId() + " belongs to project "
                    + service.projectId());
        }
        checkFunction(service.module(), spec);
        boolean active = !body.has("active") || bool(body, "active");
        return insert(service, name, type, active, spec, caller.username(), false);
    }

    /** Writes a new trigger of a service, and publishes it. */
    TriggerDoc insert(ServiceSpec service, String name, String type, boolean active, TriggerDoc.Spec spec,
                      String creator, boolean fromSpec) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TriggerDoc doc = new TriggerDoc(Ids.next(), name, service.projectId(), service.serviceId(), type, active,
                creator, now, now, spec, new TriggerDoc.Stats(0, 0, 0));
        try {
            db.update("INSERT INTO triggers (id, project_id, service_id, name, type, active, created_at, updated_at, doc,"
                    + " from_spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?)", doc.id(), service.projectId(),
                    service.serviceId(), name, type, active, now, now, Db.json(doc), fromSpec);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                transactions.setRollbackOnly();
                throw ApiException.conflict("service " + service.name() + " already has a trigger named '" + name + "'");
            }
            throw e;
        }
        db.update("INSERT INTO trigger_stats (trigger_id) VALUES (?)", doc.id());
        if (!doc.isEvent()) {
            Instant from = spec.startAt() != null && spec.startAt().isAfter(now) ? spec.startAt().minusSeconds(1) : now;
            db.update("INSERT INTO cron_state (trigger_id, last_fire_at) VALUES (?, ?)", doc.id(), from);
        }
        publish(doc);
        return doc;
    }

    public TriggerDoc get(String id, Caller caller) {
        TriggerDoc doc = load(id).orElseThrow(() -> ApiException.notFound("trigger", id));
        caller.mayRead(doc.projectId(), () -> ApiException.notFound("trigger", id));
        return doc;
    }

    public Optional<TriggerDoc> load(String id) {
        return db.one("SELECT t.doc::text, s.fired, s.own_events_ignored, s.chains_stopped FROM triggers t"
                + " LEFT JOIN trigger_stats s ON s.trigger_id = t.id WHERE t.id = ?",
                rs -> Db.fromJson(rs.getString(1), TriggerDoc.class).withStats(new TriggerDoc.Stats(rs.getLong(2),
                        rs.getLong(3), rs.getLong(4))), id);
    }

    public Page<TriggerDoc> list(String projectId, String serviceId, PageRequest page, Caller caller) {
        String where;
        String value;
        if (serviceId != null) {
            ServiceSpec service = index.service(serviceId).orElseThrow(() -> ApiException.notFound("service", serviceId));
            caller.mayRead(service.projectId(), () -> ApiException.notFound("service", serviceId));
            where = " FROM triggers t LEFT JOIN trigger_stats s ON s.trigger_id = t.id WHERE t.service_id = ?";
            value = serviceId;
        } else if (projectId != null) {
            caller.mayRead(projectId);
            where = " FROM triggers t LEFT JOIN trigger_stats s ON s.trigger_id = t.id WHERE t.project_id = ?";
            value = projectId;
        } else {
            throw ApiException.invalid("serviceId", "give serviceId or projectId");
        }
        long total = db.count("SELECT count(*)" + where, value);
        List<TriggerDoc> items = db.list("SELECT t.doc::text, s.fired, s.own_events_ignored, s.chains_stopped" + where
                + " ORDER BY t.created_at DESC, t.id DESC LIMIT " + page.pageSize() + " OFFSET " + page.offset(),
                rs -> Db.fromJson(rs.getString(1), TriggerDoc.class).withStats(new TriggerDoc.Stats(rs.getLong(2),
                        rs.getLong(3), rs.getLong(4))), value);
        return Page.of(items, total, page);
    }

    /** Changes {@code active}, {@code name} or fields of {@code spec} (its type and service stay). */
    @Transactional
    public TriggerDoc update(String id, JsonNode body, Caller caller) {
        requireObject(body, "body");
        onlyKnown(body, PATCH_FIELDS, "");
        TriggerDoc doc = lock(id, caller);
        boolean active = body.has("active") ? bool(body, "active") : doc.active();
        String name = body.has("name") ? text(body, "name", "name", true) : doc.name();
        TriggerDoc.Spec spec = doc.spec();
        if (body.has("spec")) {
            requireObject(body.get("spec"), "spec");
            ObjectNode merged = Json.mapper().valueToTree(doc.spec());
            body.get("spec").fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
            spec = spec(doc.type(), merged);
            if (!spec.operation().serviceId().equals(doc.serviceId())) {
                throw ApiException.invalid("spec.operation.serviceId", "a trigger stays with its service; create another");
            }
            ServiceSpec service = index.service(doc.serviceId())
                    .orElseThrow(() -> ApiException.notFound("service", doc.serviceId()));
            checkFunction(service.module(), spec);
        }
        replace(doc.with(active, spec, name, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        return load(id).orElseThrow();
    }

    /** Writes a changed trigger, and publishes it. */
    void replace(TriggerDoc next) {
        String id = next.id();
        String name = next.name();
        boolean active = next.active();
        try {
            db.update("UPDATE triggers SET name = ?, active = ?, updated_at = ?, doc = CAST(? AS jsonb) WHERE id = ?",
                    name, active, next.updatedAt(), Db.json(next), id);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                transactions.setRollbackOnly();
                throw ApiException.conflict("the service already has a trigger named '" + name + "'");
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
    void remove(String id) {
        db.update("DELETE FROM once_fired WHERE trigger_id = ?", id);
        db.update("DELETE FROM triggers WHERE id = ?", id);
        String eventId = Outbox.newEventId();
        outbox.append(Topics.TRIGGERS, id, eventId, null);
        db.afterCommit(() -> index.remove(id));
    }

    private TriggerDoc lock(String id, Caller caller) {
        TriggerDoc doc = db.one("SELECT doc::text FROM triggers WHERE id = ? FOR UPDATE",
                rs -> Db.fromJson(rs.getString(1), TriggerDoc.class), id)
                .orElseThrow(() -> ApiException.notFound("trigger", id));
        caller.mayWrite(doc.projectId(), () -> ApiException.notFound("trigger", id));
        return doc;
    }

    private void publish(TriggerDoc doc) {
        String eventId = Outbox.newEventId();
        TriggerDoc plain = doc.withStats(null);
        outbox.append(Topics.TRIGGERS, doc.id(), eventId, Db.json(plain));
        db.afterCommit(() -> index.put(plain));
    }


    /** Reads and checks a trigger's spec; every problem is a 400 naming its field. */
    static TriggerDoc.Spec spec(String type, JsonNode s) {
        JsonNode operationJson = s.get("operation");
        requireObject(operationJson, "spec.operation");
        onlyKnown(operationJson, Set.of("type", "serviceId", "functionName"), "spec.operation.");
        String opType = operationJson.hasNonNull("type") ? text(operationJson, "type", "spec.operation.type", true)
                : "function";
        if (!opType.equals("function")) {
            throw ApiException.invalid("spec.operation.type", "the only operation is 'function'");
        }
        TriggerDoc.Operation operation = new TriggerDoc.Operation("function",
                text(operationJson, "serviceId", "spec.operation.serviceId", true),
                operationJson.hasNonNull("functionName")
                        ? text(operationJson, "functionName", "spec.operation.functionName", true) : "run");
        ObjectNode input = null;
        if (s.hasNonNull("input")) {
            if (!s.get("input").isObject()) {
                throw ApiException.invalid("spec.input", "must be an object of input names and values");
            }
            input = (ObjectNode) s.get("input");
        }
        if (type.equals(TriggerDoc.EVENT)) {
            onlyKnown(s, Set.of("filter", "resource", "actions", "executionMode", "allowOwnEvents", "input", "operation"),
                    "spec.");
            String resource = text(s, "resource", "spec.resource", true);
            List<String> allowed = Resources.ACTIONS.get(resource);
            if (allowed == null) {
                throw ApiException.invalid("spec.resource", "unknown resource '" + resource + "'; one of "
                        + String.join(", ", Resources.ACTIONS.keySet()));
            }
            List<String> actions = new ArrayList<>();
            JsonNode actionsJson = s.get("actions");
            if (actionsJson != null && actionsJson.isTextual()) {
                actions.add(actionsJson.textValue());
            } else if (actionsJson != null && actionsJson.isArray() && !actionsJson.isEmpty()) {
                for (JsonNode a : actionsJson) {
                    if (!a.isTextual()) {
                        throw ApiException.invalid("spec.actions", "must be action names");
                    }
                    actions.add(a.textValue());
                }
            } else {
                throw ApiException.invalid("spec.actions", "one or more of " + String.join(", ", allowed));
            }
            for (String action : actions) {
                if (!allowed.contains(action)) {
                    throw ApiException.invalid("spec.actions", resource + " has no action '" + action + "'; it has "
                            + String.join(", ", allowed));
                }
            }
            String mode = s.hasNonNull("executionMode") ? text(s, "executionMode", "spec.executionMode", true) : "Once";
            if (!mode.equals("Once") && !mode.equals("Always")) {
                throw ApiException.invalid("spec.executionMode", "must be Once or Always, not '" + mode + "'");
            }
            if (mode.equals("Always")) {
                if (Resources.ONCE_ONLY.contains(resource)) {
                    throw ApiException.invalid("spec.executionMode", resource + " triggers run Once only");
                }
                for (String action : actions) {
                    if (!Resources.REPEATABLE.contains(action)) {
                        throw ApiException.invalid("spec.executionMode", action + " happens once to a resource;"
                                + " Always is for " + String.join(", ", Resources.REPEATABLE));
                    }
                }
            }
            JsonNode filter = s.get("filter");
            if (filter != null && !filter.isNull()) {
                try {
                    Filter.compile(filter);
                } catch (DqlException e) {
                    throw ApiException.invalid("spec." + e.where(), e.getMessage().substring(e.where().length() + 2));
                }
            }
            Boolean allowOwn = s.has("allowOwnEvents") ? bool(s, "allowOwnEvents") : null;
            return new TriggerDoc.Spec(filter == null || filter.isNull() ? null : filter, resource, List.copyOf(actions),
                    mode, allowOwn, null, null, null, null, null, input, operation);
        }
        onlyKnown(s, Set.of("cron", "startAt", "endAt", "timeZone", "missed", "input", "operation"), "spec.");
        String cron = text(s, "cron", "spec.cron", true);
        try {
            Cron.parse(cron);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("spec.cron", e.getMessage());
        }
        Instant startAt = instant(s, "startAt");
        Instant endAt = instant(s, "endAt");
        if (startAt != null && endAt != null && !startAt.isBefore(endAt)) {
            throw ApiException.invalid("spec.endAt", "must be after startAt");
        }
        String zone = s.hasNonNull("timeZone") ? text(s, "timeZone", "spec.timeZone", true) : "UTC";
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiException.invalid("spec.timeZone", "unknown time zone '" + zone + "'");
        }
        String missed = s.hasNonNull("missed") ? text(s, "missed", "spec.missed", true) : "fireOnce";
        if (!missed.equals("fireOnce") && !missed.equals("skip")) {
            throw ApiException.invalid("spec.missed", "must be fireOnce or skip");
        }
        return new TriggerDoc.Spec(null, null, null, null, null, cron, startAt, endAt, zone, missed, input, operation);
    }

    /**
     * Checks the triggers of a service JSON against the module they will run (before the registry
     * deploys it); a bad one is a 400 naming {@code triggers[i].<field>}.
     */
    public void checkDefinitions(String projectId, String serviceId, Module module, List<JsonNode> definitions,
                                 Caller caller) {
        if (projectId == null || module == null) {
            throw ApiException.invalid(projectId == null ? "projectId" : "module", "is required");
        }
        caller.mayWrite(projectId);
        // names the service's hand-made triggers hold: a service JSON's trigger may not take one
        Set<String> byHand = serviceId == null ? Set.of() : new java.util.HashSet<>(db.list(
                "SELECT name FROM triggers WHERE service_id = ? AND project_id = ? AND NOT from_spec",
                rs -> rs.getString(1), serviceId, projectId));
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < (definitions == null ? 0 : definitions.size()); i++) {
            String at = "triggers[" + i + "]";
            try {
                Definition definition = Definition.of(definitions.get(i), "check");
                if (!names.add(definition.name())) {
                    throw ApiException.invalid("name", "two triggers are named '" + definition.name() + "'");
                }
                if (byHand.contains(definition.name())) {
                    throw ApiException.invalid("name", "the service already has a trigger named '" + definition.name()
                            + "', made with POST /triggers; give this one another name or delete that one");
                }
                checkFunction(module, definition.spec());
            } catch (ApiException e) {
                throw e.status() == 400 ? ApiException.invalid(definitionField(at, e.field()), e.getMessage()) : e;
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

    /** A trigger as a service JSON writes it (the seed's form: name, resource, actions, filter, function, ...). */
    record Definition(String name, String type, boolean active, TriggerDoc.Spec spec) {
        static Definition of(JsonNode json, String serviceId) {
            requireObject(json, "");
            ObjectNode spec = ((ObjectNode) json).deepCopy();
            String name = text(spec, "name", "name", true);
            String type = spec.hasNonNull("type") ? text(spec, "type", "type", true) : TriggerDoc.EVENT;
            if (!type.equals(TriggerDoc.EVENT) && !type.equals(TriggerDoc.CRON)) {
                throw ApiException.invalid("type", "must be Event or Cron, not '" + type + "'");
            }
            boolean active = !spec.has("active") || bool(spec, "active");
            String function = spec.hasNonNull("function") ? text(spec, "function", "function", true) : "run";
            spec.remove(List.of("name", "type", "active", "function"));
            spec.putObject("operation").put("type", "function").put("serviceId", serviceId).put("functionName", function);
            return new Definition(name, type, active, Triggers.spec(type, spec));
        }
    }

    /** The function must exist on the module and, for an event trigger, take the resource. */
    static void checkFunction(Module module, TriggerDoc.Spec spec) {
        String name = spec.operation().functionName();
        Module.Function function = module.function(name).orElseThrow(() -> ApiException.invalid(
                "spec.operation.functionName", "module '" + module.name() + "' has no function '" + name + "'"));
        if (spec.resource() != null && entityInput(function, spec.resource()).isEmpty()) {
            throw ApiException.invalid("spec.operation.functionName", "function '" + name + "' takes no input of type "
                    + Resources.inputType(spec.resource()) + " to receive the " + spec.resource());
        }
    }

    /** The input that receives the event's resource. */
    static Optional<String> entityInput(Module.Function function, String resource) {
        String type = Resources.inputType(resource);
        return function.input() == null ? Optional.empty() : function.input().stream()
                .filter(io -> type.equals(io.type())).map(Module.FunctionIo::name).findFirst();
    }

    static void requireObject(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(field, "must be a JSON object");
        }
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw ApiException.invalid(prefix + field, "unknown field; known: " + String.join(", ", known));
            }
        }
    }

    private static String text(JsonNode node, String name, String field, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.invalid(field, "is required");
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw ApiException.invalid(field, "must be a non-empty string");
        }
        return value.textValue();
    }

    private static boolean bool(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isBoolean()) {
            throw ApiException.invalid(name, "must be true or false");
        }
        return value.booleanValue();
    }

    private static Instant instant(JsonNode s, String name) {
        JsonNode value = s.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.invalid("spec." + name, "must be an ISO date-time string");
        }
        try {
            return java.time.OffsetDateTime.parse(value.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(value.textValue()).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw ApiException.invalid("spec." + name, "not an ISO date-time: '" + value.textValue() + "'");
            }
        }
    }
}
