package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Runtime;
import java.util.List;

/**
 * The body of a deploy ({@code POST /services}) or an update ({@code PATCH /services/{id}}): the seed's
 * service JSON. {@code packageRevision} is {@code "latest"} or a revision number. An update may send
 * the whole service JSON back; its read-only fields must then match.
 */
public record ServiceRequest(
        String id,
        String name,
        String projectId,
        String packageId,
        String packageName,
        JsonNode packageRevision,
        String moduleName,
        Boolean active,
        Runtime runtime,
        ObjectNode initParams,
        Integer maxAttempts,
        Integer executionTimeout,
        String onReset,
        Integer drainTime,
        String botUserName,
        List<JsonNode> triggers) {
}
