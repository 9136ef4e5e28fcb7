package dev.runnel.trigger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.trigger.event.ResourceEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /events}: a resource event over HTTP, for producers that cannot speak Kafka. The event
 * (a structured CloudEvent) is checked like one read from Kafka, its project against the caller's,
 * its {@code actorid} set to the caller, and published on {@code resource-events} before the answer.
 */
@Path("/events")
@Singleton
public class EventIngest {

    private final CallerContext caller;
    private final String bootstrap;
    private KafkaProducer<String, String> producer;

    public EventIngest(CallerContext caller, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.caller = caller;
        this.bootstrap = bootstrap;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/cloudevents+json"})
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(JsonNode body) {
        Caller who = caller.current();
        if (body == null || !body.isObject()) {
            throw Refusal.invalid("body", "a CloudEvent as a JSON object");
        }
        ObjectNode event = ((ObjectNode) body).deepCopy();
        event.put("actorid", who.username());
        ResourceEvent parsed;
        try {
            parsed = ResourceEvent.of(event);
        } catch (ResourceEvent.Malformed e) {
            throw Refusal.invalid("event", e.getMessage());
        }
        who.mayWrite(parsed.projectId());
        try {
            producer().send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, parsed.resourceId(), event.toString()))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw Refusal.unavailable("the event bus did not take the event; send it again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.unavailable("interrupted");
        }
        return Response.accepted(Map.of("id", parsed.id())).build();
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = KafkaClients.producer(bootstrap, Map.of("max.block.ms", "5000"));
        }
        return producer;
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
