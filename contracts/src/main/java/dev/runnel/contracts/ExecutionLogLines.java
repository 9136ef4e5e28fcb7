package dev.runnel.contracts;

import java.time.Instant;
import java.util.List;

/** What user code printed or logged during an execution, on {@link Topics#EXECUTION_LOGS} keyed by execution id. */
public record ExecutionLogLines(
        String eventId,
        String executionId,
        String serviceId,
        String replicaId,
        List<Line> lines) {

    public static final String SCHEMA = "schemas/execution-logs.v1.json";

    /** One line. */
    public record Line(Instant timestamp, String level, String message) {
    }
}
