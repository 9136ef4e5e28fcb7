package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.TriggerType;
import dev.runnel.kit.error.Refusal;
import java.util.List;

/**
 * A trigger as a service JSON writes it, the seed's flat form: {@code name}, {@code type},
 * {@code active}, {@code function} beside the spec's own fields ({@code resource}, {@code actions},
 * {@code filter}, {@code cron}, ...). Fields are named as that form names them.
 */
public record Definition(String name, TriggerType type, boolean active, TriggerDoc.Spec spec) {

    public static Definition of(JsonNode json, String serviceId) {
        if (json == null || !json.isObject()) {
            throw Refusal.invalid("", "must be a JSON object");
        }
        ObjectNode spec = ((ObjectNode) json).deepCopy();
        String name = TriggerSpecs.required(text(spec, "name"), "name");
        TriggerType type = spec.hasNonNull("type") ? TriggerSpecs.type(text(spec, "type"), "type") : TriggerType.Event;
        JsonNode active = spec.get("active");
        if (active != null && !active.isBoolean()) {
            throw Refusal.invalid("active", "must be true or false");
        }
        String function = spec.hasNonNull("function") ? TriggerSpecs.required(text(spec, "function"), "function") : "run";
        spec.remove(List.of("name", "type", "active", "function"));
        spec.putObject("operation").put("type", "function").put("serviceId", serviceId).put("functionName", function);
        return new Definition(name, type, active == null || active.booleanValue(), TriggerSpecs.spec(type, spec, "spec."));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Refusal.invalid(field, "must be a non-empty string");
        }
        return value.textValue();
    }
}
