package dev.runnel.contracts;

import java.time.Instant;

/** An order for the replicas of a service, on {@link Topics#RUNNER_CONTROL} keyed by service id. */
public record RunnerControl(
        String eventId,
        Type type,
        String serviceId,
        String executionId,
        int attempt,
        Instant timestamp) {

    public static final String SCHEMA = "schemas/runner-control.v1.json";

    /** What to do. */
    public enum Type { terminate }
}
