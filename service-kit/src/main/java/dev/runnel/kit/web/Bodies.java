package dev.runnel.kit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.kit.error.Refusal;

/**
 * Request bodies read into typed records strictly: a field the record does not have is refused by
 * name (the platform's mapper ignores unknown fields, as readers of events must), and so is a value
 * of the wrong type.
 */
public final class Bodies {

    private Bodies() {
    }

    /** The body as a {@code type}; a missing body, an unknown field or a wrong type is a refusal naming the field. */
    public static <T> T strict(JsonNode body, Class<T> type) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw Refusal.invalid(null, "a JSON body is required");
        }
        if (!body.isObject()) {
            throw Refusal.invalid(null, "the body must be a JSON object");
        }
        try {
            return Json.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw ProblemMapper.invalid(e);
        }
    }
}
