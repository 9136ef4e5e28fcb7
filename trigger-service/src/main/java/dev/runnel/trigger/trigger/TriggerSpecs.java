package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionMode;
import dev.runnel.contracts.MissedRuns;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.TriggerType;
import dev.runnel.dql.DqlException;
import dev.runnel.dql.Filter;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.Bodies;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks what clients write about triggers and turns it into a {@link TriggerDoc.Spec}: the seed's
 * resources and actions, DQL filters, execution modes, cron expressions, time windows and zones, and
 * the function a trigger runs. Every problem is a refusal naming its field ({@code spec.<field>}).
 */
public final class TriggerSpecs {

    private TriggerSpecs() {
    }

    /** A trigger's type from its JSON name. */
    public static TriggerType type(String name, String field) {
        String given = required(name, field);
        return Arrays.stream(TriggerType.values()).filter(t -> t.name().equals(given)).findFirst()
                .orElseThrow(() -> Refusal.invalid(field, "must be Event or Cron, not '" + given + "'"));
    }

    /** A spec in JSON (a PATCH's merged spec, a service JSON's trigger), read strictly; fields named {@code prefix<field>}. */
    public static TriggerDoc.Spec spec(TriggerType type, JsonNode json, String prefix) {
        TriggerRequest.SpecRequest request;
        try {
            request = Bodies.strict(json, TriggerRequest.SpecRequest.class);
        } catch (Refusal.Invalid e) {
            String field = e.field() == null ? prefix.substring(0, Math.max(0, prefix.length() - 1)) : prefix + e.field();
            throw Refusal.invalid(field, e.detail());
        }
        return spec(type, request);
    }

    /** Checks a spec for a trigger of {@code type}. */
    public static TriggerDoc.Spec spec(TriggerType type, TriggerRequest.SpecRequest s) {
        if (s == null) {
            throw Refusal.invalid("spec", "must be a JSON object");
        }
        TriggerDoc.Operation operation = operation(s.operation());
        if (s.input() != null && !s.input().isNull() && !s.input().isObject()) {
            throw Refusal.invalid("spec.input", "must be an object of input names and values");
        }
        ObjectNode input = s.input() == null || s.input().isNull() ? null : (ObjectNode) s.input();
        return type == TriggerType.Event ? event(s, input, operation) : cron(s, input, operation);
    }

    private static TriggerDoc.Operation operation(TriggerRequest.Operation operation) {
        if (operation == null) {
            throw Refusal.invalid("spec.operation", "must be a JSON object");
        }
        String type = operation.type() == null ? "function" : nonBlank(operation.type(), "spec.operation.type");
        if (!type.equals("function")) {
            throw Refusal.invalid("spec.operation.type", "the only operation is 'function'");
        }
        return new TriggerDoc.Operation("function", required(operation.serviceId(), "spec.operation.serviceId"),
                operation.functionName() == null ? "run"
                        : nonBlank(operation.functionName(), "spec.operation.functionName"));
    }

    private static TriggerDoc.Spec event(TriggerRequest.SpecRequest s, ObjectNode input, TriggerDoc.Operation operation) {
        notFor("an Event", "spec.cron", s.cron());
        notFor("an Event", "spec.startAt", s.startAt());
        notFor("an Event", "spec.endAt", s.endAt());
        notFor("an Event", "spec.timeZone", s.timeZone());
        notFor("an Event", "spec.missed", s.missed());
        String resource = required(s.resource(), "spec.resource");
        List<String> allowed = Resources.ACTIONS.get(resource);
        if (allowed == null) {
            throw Refusal.invalid("spec.resource", "unknown resource '" + resource + "'; one of "
                    + String.join(", ", Resources.ACTIONS.keySet()));
        }
        List<String> actions = actions(s.actions(), allowed);
        for (String action : actions) {
            if (!allowed.contains(action)) {
                throw Refusal.invalid("spec.actions", resource + " has no action '" + action + "'; it has "
                        + String.join(", ", allowed));
            }
        }
        ExecutionMode mode = s.executionMode() == null ? ExecutionMode.Once
                : Arrays.stream(ExecutionMode.values()).filter(m -> m.name().equals(s.executionMode())).findFirst()
                        .orElseThrow(() -> Refusal.invalid("spec.executionMode", "must be Once or Always, not '"
                                + s.executionMode() + "'"));
        if (mode == ExecutionMode.Always) {
            if (Resources.ONCE_ONLY.contains(resource)) {
                throw Refusal.invalid("spec.executionMode", resource + " triggers run Once only");
            }
            for (String action : actions) {
                if (!Resources.REPEATABLE.contains(action)) {
                    throw Refusal.invalid("spec.executionMode", action + " happens once to a resource;"
                            + " Always is for " + String.join(", ", Resources.REPEATABLE));
                }
            }
        }
        JsonNode filter = s.filter() == null || s.filter().isNull() ? null : s.filter();
        if (filter != null) {
            try {
                Filter.compile(filter);
            } catch (DqlException e) {
                throw Refusal.invalid("spec." + e.where(), e.getMessage().substring(e.where().length() + 2));
            }
        }
        return new TriggerDoc.Spec(filter, resource, List.copyOf(actions), mode, s.allowOwnEvents(), null, null, null,
                null, null, input, operation);
    }

    private static List<String> actions(JsonNode json, List<String> allowed) {
        List<String> actions = new ArrayList<>();
        if (json != null && json.isTextual()) {
            actions.add(json.textValue());
        } else if (json != null && json.isArray() && !json.isEmpty()) {
            for (JsonNode action : json) {
                if (!action.isTextual()) {
                    throw Refusal.invalid("spec.actions", "must be action names");
                }
                actions.add(action.textValue());
            }
        } else {
            throw Refusal.invalid("spec.actions", "one or more of " + String.join(", ", allowed));
        }
        return actions;
    }

    private static TriggerDoc.Spec cron(TriggerRequest.SpecRequest s, ObjectNode input, TriggerDoc.Operation operation) {
        notFor("a Cron", "spec.filter", s.filter());
        notFor("a Cron", "spec.resource", s.resource());
        notFor("a Cron", "spec.actions", s.actions());
        notFor("a Cron", "spec.executionMode", s.executionMode());
        notFor("a Cron", "spec.allowOwnEvents", s.allowOwnEvents());
        String cron = required(s.cron(), "spec.cron");
        try {
            Cron.parse(cron);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("spec.cron", e.getMessage());
        }
        Instant startAt = instant(s.startAt(), "spec.startAt");
        Instant endAt = instant(s.endAt(), "spec.endAt");
        if (startAt != null && endAt != null && !startAt.isBefore(endAt)) {
            throw Refusal.invalid("spec.endAt", "must be after startAt");
        }
        String zone = s.timeZone() == null ? "UTC" : nonBlank(s.timeZone(), "spec.timeZone");
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw Refusal.invalid("spec.timeZone", "unknown time zone '" + zone + "'");
        }
        MissedRuns missed = s.missed() == null ? MissedRuns.fireOnce
                : Arrays.stream(MissedRuns.values()).filter(m -> m.name().equals(s.missed())).findFirst()
                        .orElseThrow(() -> Refusal.invalid("spec.missed", "must be fireOnce or skip"));
        return new TriggerDoc.Spec(null, null, null, null, null, cron, startAt, endAt, zone, missed, input, operation);
    }

    /** The function must exist on the module and, for an event trigger, take the resource. */
    public static void checkFunction(Module module, TriggerDoc.Spec spec) {
        String name = spec.operation().functionName();
        Module.Function function = module.function(name).orElseThrow(() -> Refusal.invalid(
                "spec.operation.functionName", "module '" + module.name() + "' has no function '" + name + "'"));
        if (spec.resource() != null && entityInput(function, spec.resource()).isEmpty()) {
            throw Refusal.invalid("spec.operation.functionName", "function '" + name + "' takes no input of type "
                    + Resources.inputType(spec.resource()) + " to receive the " + spec.resource());
        }
    }

    /** The input that receives the event's resource. */
    public static Optional<String> entityInput(Module.Function function, String resource) {
        String type = Resources.inputType(resource);
        return function.input() == null ? Optional.empty() : function.input().stream()
                .filter(io -> type.equals(io.type())).map(Module.FunctionIo::name).findFirst();
    }

    static String required(String value, String field) {
        if (value == null) {
            throw Refusal.invalid(field, "is required");
        }
        return nonBlank(value, field);
    }

    private static String nonBlank(String value, String field) {
        if (value.isBlank()) {
            throw Refusal.invalid(field, "must be a non-empty string");
        }
        return value;
    }

    private static void notFor(String type, String field, Object value) {
        if (value != null && !(value instanceof JsonNode node && node.isNull())) {
            throw Refusal.invalid(field, "is not a field of " + type + " trigger");
        }
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw Refusal.invalid(field, "not an ISO date-time: '" + value + "'");
            }
        }
    }
}
