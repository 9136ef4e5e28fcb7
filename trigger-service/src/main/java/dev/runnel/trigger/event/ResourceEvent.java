package dev.runnel.trigger.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.kit.kafka.RecordHeaders;
import dev.runnel.contracts.Json;
import dev.runnel.trigger.trigger.Resources;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A resource event as users' systems publish it on {@code resource-events}: a CloudEvent 1.0 in
 * structured mode (the whole event as JSON) or binary mode ({@code ce_} headers, the data as the
 * value). {@code type} is {@code <Resource>.<Action>}, {@code subject} the resource id, {@code data}
 * its JSON; extensions {@code projectid}, {@code actorid}, {@code causationid}, {@code hop}.
 */
public record ResourceEvent(String id, String source, String time, String resource, String action, String resourceId,
                            String projectId, String actorId, String causationId, int hop, JsonNode data) {

    /** Why an event cannot be used. */
    public static final class Malformed extends Exception {
        private final String reason;

        Malformed(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** The kind of problem, as a metric tag: not-json, not-cloudevent, ... */
        public String reason() {
            return reason;
        }
    }

    public static ResourceEvent of(ConsumerRecord<String, String> record) throws Malformed {
        Header ceType = record.headers().lastHeader("ce_type");
        if (ceType != null) {
            return binary(record);
        }
        if (record.value() == null) {
            throw new Malformed("not-json", "an empty message");
        }
        JsonNode event;
        try {
            event = Json.mapper().readTree(record.value());
        } catch (Exception e) {
            throw new Malformed("not-json", "not JSON");
        }
        if (!event.isObject()) {
            throw new Malformed("not-json", "not a JSON object");
        }
        return of((ObjectNode) event);
    }

    /** From a structured-mode CloudEvent (also the body of {@code POST /events}). */
    public static ResourceEvent of(ObjectNode event) throws Malformed {
        return build(field(event, "specversion"), field(event, "id"), field(event, "source"), field(event, "time"),
                field(event, "type"), field(event, "subject"), field(event, "projectid"), field(event, "actorid"),
                field(event, "causationid"), field(event, "hop"), event.get("data"));
    }

    private static ResourceEvent binary(ConsumerRecord<String, String> record) throws Malformed {
        JsonNode data = null;
        if (record.value() != null) {
            try {
                data = Json.mapper().readTree(record.value());
            } catch (Exception e) {
                throw new Malformed("not-json", "data is not JSON");
            }
        }
        return build(header(record, "ce_specversion"), header(record, "ce_id"), header(record, "ce_source"),
                header(record, "ce_time"), header(record, "ce_type"), header(record, "ce_subject"),
                header(record, "ce_projectid"), header(record, "ce_actorid"), header(record, "ce_causationid"),
                header(record, "ce_hop"), data);
    }

    private static ResourceEvent build(String specversion, String id, String source, String time, String type,
                                       String subject, String project, String actor, String causation, String hop,
                                       JsonNode data) throws Malformed {
        if (!"1.0".equals(specversion)) {
            throw new Malformed("not-cloudevent", "specversion must be 1.0");
        }
        if (id == null || type == null) {
            throw new Malformed("no-type", "a CloudEvent needs id and type");
        }
        int dot = type.indexOf('.');
        String resource = dot < 0 ? type : type.substring(0, dot);
        String action = dot < 0 ? "" : type.substring(dot + 1);
        if (!Resources.ACTIONS.containsKey(resource) || !Resources.ACTIONS.get(resource).contains(action)) {
            throw new Malformed("unknown-resource", "unknown type '" + type + "'");
        }
        if (subject == null || project == null) {
            throw new Malformed("no-subject", "a resource event needs subject (the resource id) and projectid");
        }
        int depth = 0;
        if (hop != null) {
            try {
                depth = Integer.parseInt(hop);
            } catch (NumberFormatException e) {
                throw new Malformed("bad-hop", "hop is not a number");
            }
        }
        return new ResourceEvent(id, source, time, resource, action, subject, project, actor, causation, depth, data);
    }

    private static String field(JsonNode event, String name) {
        JsonNode value = event.get(name);
        return value == null || value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return RecordHeaders.text(record, name);
    }

    /** The event as an execution's context carries it: the runtime gives {@code body} to the entity input. */
    public ObjectNode context() {
        ObjectNode context = Json.mapper().createObjectNode();
        context.put("id", id).put("type", resource + "." + action).put("resource", resource).put("action", action)
                .put("resourceId", resourceId).put("projectId", projectId).put("hop", hop);
        if (source != null) {
            context.put("source", source);
        }
        if (time != null) {
            context.put("time", time);
        }
        if (actorId != null) {
            context.put("actorId", actorId);
        }
        if (causationId != null) {
            context.put("causationId", causationId);
        }
        context.set("body", data == null ? Json.mapper().nullNode() : data);
        return context;
    }
}
