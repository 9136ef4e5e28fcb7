package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One line of an execution's status log. */
public record StatusEntry(Instant timestamp, String status, String message, Integer percentComplete, JsonNode error,
                          JsonNode output) {
}
