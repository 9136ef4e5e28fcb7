package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What a replica reports about an attempt, on {@link Topics#EXECUTION_STATUS} keyed by execution id:
 * {@code in-progress} (with progress), {@code success} (with output), {@code failed} (with error) or
 * {@code terminated}, with the {@code proof} its work item carried. execution-service decides what the execution's status becomes. A call that
 * ended before its replica reported it {@code in-progress} carries {@code startedAt} in its final
 * report instead: execution-service records the {@code in-progress} entry at that time.
 */
public record ExecutionStatusUpdate(
        String eventId,
        String executionId,
        int attempt,
        String replicaId,
        ExecutionStatus status,
        Integer percentComplete,
        String message,
        JsonNode output,
        Error error,
        Instant timestamp,
        Instant startedAt,
        String proof) {

    public static final String SCHEMA = "schemas/execution-status.v1.json";

    /** Why an attempt failed. */
    public record Error(String type, String message, String traceback) {
    }
}
