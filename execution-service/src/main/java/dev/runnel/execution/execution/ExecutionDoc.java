package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An execution as the API shows it: the seed's execution JSON. */
public record ExecutionDoc(
        String id,
        Instant createdAt,
        Instant updatedAt,
        String creator,
        int attempts,
        int maxAttempts,
        boolean toTerminate,
        ObjectNode input,
        JsonNode output,
        List<StatusEntry> status,
        StatusEntry latestStatus,
        Double duration,
        String projectId,
        String functionName,
        String serviceId,
        String triggerId,
        String serviceName,
        String packageId,
        String packageName,
        int packageRevision,
        int serviceVersion,
        JsonNode syncReplyTo,
        JsonNode event) {

    public ExecutionStatus currentStatus() {
        return latestStatus.status();
    }

    public boolean isTerminal() {
        return currentStatus().terminal();
    }

    /** This execution with one more status entry (and what goes with it). */
    ExecutionDoc with(StatusEntry entry, int newAttempts, boolean terminate, JsonNode newOutput, Double newDuration) {
        List<StatusEntry> log = new ArrayList<>(status);
        log.add(entry);
        return new ExecutionDoc(id, createdAt, entry.timestamp(), creator, newAttempts, maxAttempts, terminate, input,
                newOutput, List.copyOf(log), entry, newDuration, projectId, functionName, serviceId, triggerId,
                serviceName, packageId, packageName, packageRevision, serviceVersion, syncReplyTo, event);
    }

    ExecutionDoc withTerminate() {
        return new ExecutionDoc(id, createdAt, Instant.now(), creator, attempts, maxAttempts, true, input, output,
                status, latestStatus, duration, projectId, functionName, serviceId, triggerId, serviceName, packageId,
                packageName, packageRevision, serviceVersion, syncReplyTo, event);
    }
}
