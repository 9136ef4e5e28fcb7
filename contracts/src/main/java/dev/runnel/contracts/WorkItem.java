package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One attempt of an execution for a replica to run, on {@link Topics#work(String)} keyed by
 * execution id. A replica runs each (execution, attempt) once, however often it is delivered.
 */
public record WorkItem(
        String eventId,
        String executionId,
        int attempt,
        String serviceId,
        int serviceVersion,
        String functionName,
        JsonNode input,
        String triggerId,
        JsonNode event,
        Instant deadline) {

    public static final String SCHEMA = "schemas/work-item.v1.json";
}
