package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.Runtime;
import java.time.Instant;
import java.util.List;

/** A service (deployment) as the API shows it and as each of its versions is kept. */
public record ServiceDoc(
        String id,
        String name,
        String projectId,
        String packageId,
        String packageName,
        int packageRevision,
        String moduleName,
        int version,
        boolean active,
        Runtime runtime,
        ObjectNode initParams,
        int maxAttempts,
        int executionTimeout,
        OnReset onReset,
        int drainTime,
        String botUserName,
        String creator,
        Instant createdAt,
        Instant updatedAt,
        List<JsonNode> triggers) {

    /** The same service with what a version does not own (version, activity, times) cleared, for comparing. */
    ServiceDoc specOnly() {
        return new ServiceDoc(id, name, projectId, packageId, packageName, packageRevision, moduleName, 0, false,
                runtime, initParams, maxAttempts, executionTimeout, onReset, drainTime, botUserName, creator, null,
                null, triggers);
    }

    ServiceDoc withVersion(int newVersion, boolean isActive, Instant at) {
        return new ServiceDoc(id, name, projectId, packageId, packageName, packageRevision, moduleName, newVersion,
                isActive, runtime, initParams, maxAttempts, executionTimeout, onReset, drainTime, botUserName, creator,
                createdAt, at, triggers);
    }
}
