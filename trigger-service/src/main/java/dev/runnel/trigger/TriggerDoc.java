package dev.runnel.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** A trigger as the API shows it (the seed's Trigger JSON). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerDoc(String id, String name, String projectId, String serviceId, String type, boolean active,
                         String creator, Instant createdAt, Instant updatedAt, Spec spec, Stats stats) {

    public static final String EVENT = "Event";
    public static final String CRON = "Cron";

    /** What an Event or a Cron trigger does; the fields of the other type are null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(JsonNode filter, String resource, List<String> actions, String executionMode,
                       Boolean allowOwnEvents, String cron, Instant startAt, Instant endAt, String timeZone,
                       String missed, ObjectNode input, Operation operation) {
    }

    /** The only operation there is: create an execution of a service's function. */
    public record Operation(String type, String serviceId, String functionName) {
    }

    /** What the trigger did, and what its loop guard stopped. */
    public record Stats(long fired, long ownEventsIgnored, long chainsStopped) {
    }

    public boolean isEvent() {
        return EVENT.equals(type);
    }

    public boolean always() {
        return "Always".equals(spec.executionMode());
    }

    TriggerDoc with(boolean active, Spec spec, String name, Instant at) {
        return new TriggerDoc(id, name, projectId, serviceId, type, active, creator, createdAt, at, spec, stats);
    }

    TriggerDoc withStats(Stats stats) {
        return new TriggerDoc(id, name, projectId, serviceId, type, active, creator, createdAt, updatedAt, spec, stats);
    }
}
