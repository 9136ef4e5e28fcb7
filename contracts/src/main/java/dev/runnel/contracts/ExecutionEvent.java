package dev.runnel.contracts;

import java.time.Instant;

/**
 * An execution as execution-service recorded it, on {@link Topics#EXECUTION_EVENTS} keyed by
 * execution id: created, changed, or finished (a terminal status), for sync waiters, chaining and UIs.
 */
public record ExecutionEvent(
        String eventId,
        Type type,
        String executionId,
        String serviceId,
        String projectId,
        String functionName,
        ExecutionStatus status,
        int attempts,
        Instant timestamp) {

    public static final String SCHEMA = "schemas/execution-event.v1.json";

    /** What happened. */
    public enum Type { created, changed, finished }
}
