package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The full deployable spec of a service, published on {@link Topics#SERVICE_SPECS} keyed by service id
 * (a tombstone when the service is deleted). Schema: {@code schemas/service-spec.v1.json}.
 */
public record ServiceSpec(
        String eventId,
        String serviceId,
        String projectId,
        String name,
        int version,
        boolean active,
        String packageId,
        String packageName,
        int packageRevision,
        CodebaseRef codebase,
        Module module,
        ObjectNode initParams,
        Runtime runtime,
        int maxAttempts,
        int executionTimeout,
        OnReset onReset,
        int drainTime,
        String botUserName,
        Instant updatedAt,
        List<JsonNode> triggers) {

    public static final String SCHEMA = "schemas/service-spec.v1.json";
}
