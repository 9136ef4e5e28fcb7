package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionMode;
import dev.runnel.contracts.MissedRuns;
import dev.runnel.contracts.TriggerType;
import java.time.Instant;
import java.util.List;

/** A trigger as the API shows it (the seed's Trigger JSON). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerDoc(String id, String name, String projectId, String serviceId, TriggerType type, boolean active,
                         String creator, Instant createdAt, Instant updatedAt, Spec spec, Stats stats) {

    /** What an Event or a Cron trigger does; the fields of the other type are null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(JsonNode filter, String resource, List<String> actions, ExecutionMode executionMode,
                       Boolean allowOwnEvents, String cron, Instant startAt, Instant endAt, String timeZone,
                       MissedRuns missed, ObjectNode input, Operation operation) {
    }

    /** The only operation there is: create an execution of a service's function. */
    public record Operation(String type, String serviceId, String functionName) {
    }

    /** What the trigger did, and what its loop guard stopped. */
    public record Stats(long fired, long ownEventsIgnored, long chainsStopped) {
    }

    public boolean isEvent() {
        return type == TriggerType.Event;
    }

    public boolean always() {
        return spec.executionMode() == ExecutionMode.Always;
    }

    public TriggerDoc with(boolean active, Spec spec, String name, Instant at) {
        return new TriggerDoc(id, name, projectId, serviceId, type, active, creator, createdAt, at, spec, stats);
    }

    /** The trigger as a service JSON now defines it (its type, activity and spec), changed at {@code at}. */
    public TriggerDoc redefined(TriggerType type, boolean active, Spec spec, Instant at) {
        return new TriggerDoc(id, name, projectId, serviceId, type, active, creator, createdAt, at, spec, null);
    }

    TriggerDoc withStats(Stats stats) {
        return new TriggerDoc(id, name, projectId, serviceId, type, active, creator, createdAt, updatedAt, spec, stats);
    }
}
