package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionRequest;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

/** Asks execution-service to run a trigger's function: an execution request through the outbox, in the caller's transaction. */
@ApplicationScoped
public class ExecutionRequests {

    private final Outbox outbox;

    public ExecutionRequests(Outbox outbox) {
        this.outbox = outbox;
    }

    /** One execution per {@code idempotencyKey}, whoever asks again. */
    public void request(TriggerDoc trigger, ServiceSpec service, ObjectNode input, String idempotencyKey,
                        JsonNode event) {
        String eventId = Outbox.newEventId();
        outbox.append(Topics.EXECUTION_REQUESTS, service.serviceId(), eventId, Db.json(new ExecutionRequest(eventId,
                idempotencyKey, service.serviceId(), service.projectId(), trigger.spec().operation().functionName(),
                input, trigger.id(), trigger.creator(), event)));
    }
}
