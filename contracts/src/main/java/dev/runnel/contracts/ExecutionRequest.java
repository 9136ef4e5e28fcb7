package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A command to create an execution, on {@link Topics#EXECUTION_REQUESTS} keyed by service id (from
 * trigger-service and any internal producer). The same {@code idempotencyKey} creates one execution only.
 */
public record ExecutionRequest(
        String eventId,
        String idempotencyKey,
        String serviceId,
        String projectId,
        String functionName,
        JsonNode input,
        String triggerId,
        String creator,
        JsonNode event) {

    public static final String SCHEMA = "schemas/execution-request.v1.json";
}
