package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code POST /triggers}: a new trigger of a service. Read strictly: an unknown field is refused by name. */
public record TriggerRequest(String type, Boolean active, String projectId, String name, SpecRequest spec) {

    /** {@code PATCH /triggers/{id}}: the fields to change; {@code spec} holds only the spec fields that change. */
    public record Patch(Boolean active, String name, JsonNode spec) {
    }

    /** A trigger's spec as a client writes it; which fields it may have depends on the trigger's type. */
    public record SpecRequest(JsonNode filter, String resource, JsonNode actions, String executionMode,
                              Boolean allowOwnEvents, String cron, String startAt, String endAt, String timeZone,
                              String missed, JsonNode input, Operation operation) {
    }

    /** The execution a trigger creates. */
    public record Operation(String type, String serviceId, String functionName) {
    }
}
