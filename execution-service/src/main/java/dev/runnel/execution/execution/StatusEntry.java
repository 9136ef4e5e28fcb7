package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ExecutionStatus;
import java.time.Instant;

/** One line of an execution's status log. */
public record StatusEntry(Instant timestamp, ExecutionStatus status, String message, Integer percentComplete,
                          JsonNode error, JsonNode output) {
}
