package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One attempt of an execution for a replica to run, on {@link Topics#work(String)} keyed by
 * execution id. A replica runs each (execution, attempt) once, however often it is delivered.
 * {@code proof} is the attempt's proof, which every status report of the attempt echoes: reports
 * without it are refused.
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
        Instant deadline,
        String proof) {

    public static final String SCHEMA = "schemas/work-item.v1.json";
}
