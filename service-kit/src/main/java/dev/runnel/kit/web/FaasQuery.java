package dev.runnel.kit.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.error.Refusal;

/**
 * {@code POST /query/faas}: Dataloop's list query, {@code {resource, filter, sort, page, pageSize}}, as
 * the three services that answer it read it; the gateway routes it by {@code resource}.
 */
public record FaasQuery(String resource, JsonNode filter, JsonNode sort, Integer page, Integer pageSize) {

    /** The resource must be one this service answers for. */
    public FaasQuery requireResource(String... served) {
        for (String name : served) {
            if (name.equals(resource)) {
                return this;
            }
        }
        throw Refusal.invalid("resource", resource == null ? "is required (" + String.join(", ", served) + ")"
                : "'" + resource + "' is not queried here (" + String.join(", ", served) + ")");
    }

    /** The query to run on the resource's table. */
    public DocumentQuery query() {
        return DocumentQuery.of(filter, sort, page, pageSize);
    }
}
