package dev.runnel.trigger;

import static dev.runnel.trigger.World.event;
import static dev.runnel.trigger.World.eventTrigger;
import static dev.runnel.trigger.World.exactly;
import static dev.runnel.trigger.World.ofTrigger;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.trigger.trigger.TriggerIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Event triggers against real Kafka and PostgreSQL; events come from a plain Kafka producer. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class EventTriggerTest {

    @Inject
    TriggerIndex index;

    @Test
    void everyTriggerExampleOfTheSeedFiresOnItsEventsAndOnNoOthers() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String input = eventTrigger(dev, service, "run", "Item", List.of("Created"), "Once", Map.of("dir", "/input"));
        String updated = eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Once", null);
        String video = eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Once",
                Map.of("annotated", true, "metadata.system.mimetype", "video/*"));
        String datasets = eventTrigger(dev, service, "onDataset", "Dataset", List.of("Updated"), "Once", null);
        String boxes = eventTrigger(dev, service, "onAnnotation", "Annotation", List.of("Created"), "Once",
                Map.of("type", "box"));
        String dogs = eventTrigger(dev, service, "onAnnotation", "Annotation", List.of("Created"), "Once",
                Map.of("label", "DOG"));
        String status = eventTrigger(dev, service, "run", "ItemStatus", List.of("Updated"), "Always", null);
        String key = UUID.randomUUID().toString();

        event(key, dev, "Item.Created", "in-1", Map.of("id", "in-1", "dir", "/input", "name", "a.jpg"));
        event(key, dev, "Item.Created", "tr-1", Map.of("id", "tr-1", "dir", "/train"));
        event(key, dev, "Item.Updated", "v-1", Map.of("id", "v-1", "annotated", true,
                "metadata", Map.of("system", Map.of("mimetype", "video/mp4"))));
        event(key, dev, "Item.Updated", "p-1", Map.of("id", "p-1", "annotated", true,
                "metadata", Map.of("system", Map.of("mimetype", "image/png"))));
        event(key, dev, "Item.Updated", "v-2", Map.of("id", "v-2", "annotated", false,
                "metadata", Map.of("system", Map.of("mimetype", "video/mp4"))));
        event(key, dev, "Dataset.Updated", "ds-1", Map.of("id", "ds-1", "name", "train"));
        event(key, dev, "Dataset.Created", "ds-2", Map.of("id", "ds-2"));
        event(key, dev, "Annotation.Created", "an-1", Map.of("id", "an-1", "type", "box", "label", "CAT"));
        event(key, dev, "Annotation.Created", "an-2", Map.of("id", "an-2", "type", "point", "label", "DOG"));
        event(key, dev, "Annotation.Created", "an-3", Map.of("id", "an-3", "type", "point", "label", "CAT"));
        event(key, dev, "Annotation.Updated", "an-4", Map.of("id", "an-4", "type", "box", "label", "DOG"));
        event(key, dev, "ItemStatus.Updated", "st-1", Map.of("id", "st-1", "status", "approved"));
        event(key, dev, "ItemStatus.Updated", "st-1", Map.of("id", "st-1", "status", "discard"));
        // another project's event never fires this project's triggers
        World.Developer other = World.developer();
        event(key, other, "Item.Created", "in-x", Map.of("id", "in-x", "dir", "/input"));

        List<JsonNode> requests = exactly(service, 10);
        assertThat(ofTrigger(requests, input)).isEqualTo(1);
        assertThat(ofTrigger(requests, updated)).as("every updated item, once each").isEqualTo(3);
        assertThat(ofTrigger(requests, video)).isEqualTo(1);
        assertThat(ofTrigger(requests, datasets)).isEqualTo(1);
        assertThat(ofTrigger(requests, boxes)).isEqualTo(1);
        assertThat(ofTrigger(requests, dogs)).isEqualTo(1);
        assertThat(ofTrigger(requests, status)).as("Always: every status change").isEqualTo(2);
        assertThat(requests).hasSize(10);

        JsonNode first = requests.stream().filter(r -> r.path("triggerId").asText().equals(input)).findFirst()
                .orElseThrow();
        assertThat(first.path("functionName").asText()).isEqualTo("run");
        assertThat(first.path("input").path("item").path("item_id").asText()).isEqualTo("in-1");
        assertThat(first.path("event").path("resourceId").asText()).isEqualTo("in-1");
        assertThat(first.path("event").path("body").path("name").asText()).isEqualTo("a.jpg");
        assertThat(first.path("idempotencyKey").asText()).startsWith(input + ":");
        assertThat(first.path("projectId").asText()).isEqualTo(dev.project());
    }

    @Test
    void onceRunsOncePerResourceAlwaysEveryTimeAndARedeliveredEventHasTheSameKey() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String once = eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Once", null);
        String always = eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Always", null);
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            event(key, dev, "Item.Updated", "item-1", Map.of("id", "item-1", "version", i));
        }
        // the same event delivered twice (a producer's retry)
        String redelivered = "{\"specversion\":\"1.0\",\"id\":\"ev-same\",\"type\":\"Item.Updated\",\"subject\":\"item-2\","
                + "\"projectid\":\"" + dev.project() + "\",\"data\":{\"id\":\"item-2\"}}";
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, redelivered));
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, redelivered));

        List<JsonNode> requests = exactly(service, 1 + 1 + 3 + 2);
        assertThat(ofTrigger(requests, once)).as("item-1 once, item-2 once").isEqualTo(2);
        assertThat(ofTrigger(requests, always)).isEqualTo(5);
        List<String> keys = requests.stream().filter(r -> r.path("triggerId").asText().equals(always))
                .filter(r -> r.path("event").path("id").asText().equals("ev-same"))
                .map(r -> r.path("idempotencyKey").asText()).distinct().toList();
        assertThat(keys).as("execution-service creates one execution per key").containsExactly(always + ":ev-same");
    }

    @Test
    void aDeactivatedTriggerAndATriggerOfAStoppedServiceDoNotFire() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = eventTrigger(dev, service, "run", "Item", List.of("Created"), "Once", null);
        dev.request().post("/api/v1/triggers/" + trigger + "/deactivate").then().statusCode(200);
        String key = UUID.randomUUID().toString();
        event(key, dev, "Item.Created", "off-1", Map.of("id", "off-1"));
        assertThat(exactly(service, 0)).isEmpty();

        dev.request().post("/api/v1/triggers/" + trigger + "/activate").then().statusCode(200);
        event(key, dev, "Item.Created", "on-1", Map.of("id", "on-1"));
        assertThat(exactly(service, 1)).hasSize(1);

        World.publishSpec(new ServiceSpec(UUID.randomUUID().toString(), service.serviceId(), service.projectId(),
                service.name(), 2, false, service.packageId(), service.packageName(), service.packageRevision(),
                service.codebase(), service.module(), service.initParams(), service.runtime(), service.maxAttempts(),
                service.executionTimeout(), service.onReset(), service.drainTime(), service.botUserName(),
                java.time.Instant.now(), null));
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(50), "the stopped spec to reach the index",
                () -> index.service(service.serviceId()).map(s -> !s.active()).orElse(false));
        event(key, dev, "Item.Created", "stopped-1", Map.of("id", "stopped-1"));
        assertThat(exactly(service, 1)).hasSize(1);
    }

    @Test
    void theSeedsLoopsStop() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        // a function that creates items under an item-created trigger: its items are created by the service's bot
        String created = eventTrigger(dev, service, "run", "Item", List.of("Created"), "Once", null);
        String key = UUID.randomUUID().toString();
        event(key, dev, "Item.Created", "user-item", Map.of("id", "user-item"), "someone@example.com", 0);
        event(key, dev, "Item.Created", "made-by-fn", Map.of("id", "made-by-fn"), service.botUserName(), 1);
        List<JsonNode> requests = exactly(service, 1);
        assertThat(ofTrigger(requests, created)).isEqualTo(1);
        assertThat(dev.request().get("/api/v1/triggers/" + created).then().statusCode(200).extract()
                .<Integer>path("stats.ownEventsIgnored")).isEqualTo(1);

        // a function that updates items under an item-updated Always trigger, allowed to see its own events:
        // each update is one hop deeper, and the chain stops at the limit
        ServiceSpec chained = World.service(dev, true);
        String always = eventTrigger(dev, chained, "run", "Item", List.of("Updated"), "Always", null);
        dev.request().body(Map.of("spec", Map.of("allowOwnEvents", true))).patch("/api/v1/triggers/" + always)
                .then().statusCode(200);
        int hop = 0;
        event(key, dev, "Item.Updated", "loop-item", Map.of("id", "loop-item"), chained.botUserName(), hop);
        for (hop = 1; hop <= 12; hop++) {
            int wanted = hop;
            List<JsonNode> so = World.requests(chained, r -> r.size() >= wanted, java.time.Duration.ofSeconds(5));
            if (so.size() < wanted) {
                break; // the chain stopped
            }
            event(key, dev, "Item.Updated", "loop-item", Map.of("id", "loop-item"), chained.botUserName(), hop);
        }
        assertThat(exactly(chained, 11)).as("hops 0 to 10 run, hop 11 is stopped").hasSize(11);
        assertThat(dev.request().get("/api/v1/triggers/" + always).then().statusCode(200).extract()
                .<Integer>path("stats.chainsStopped")).isEqualTo(1);
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).as("the loop guard is counted in metrics too")
                .containsPattern("runnel_trigger_loop_guard_total\\{[^}]*reason=\"own-event\"[^}]*} [1-9]")
                .containsPattern("runnel_trigger_loop_guard_total\\{[^}]*reason=\"too-deep\"[^}]*} [1-9]");
    }

    @Test
    void malformedEventsAreSkippedAndNeverBlockThePartition() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = eventTrigger(dev, service, "run", "Item", List.of("Created"), "Once", null);
        String key = UUID.randomUUID().toString();
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, "{not json"));
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, "{\"specversion\":\"1.0\",\"id\":\"x\"}"));
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, "{\"specversion\":\"1.0\",\"id\":\"y\","
                + "\"type\":\"Spaceship.Created\",\"subject\":\"s\",\"projectid\":\"" + dev.project() + "\"}"));
        World.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, "[1, 2]"));
        // binary mode: the attributes in ce_ headers, the data as the value
        ProducerRecord<String, String> binary = new ProducerRecord<>(Topics.RESOURCE_EVENTS, key,
                "{\"id\":\"bin-1\",\"dir\":\"/\"}");
        binary.headers().add("ce_specversion", World.utf8("1.0")).add("ce_id", World.utf8("bin-event"))
                .add("ce_type", World.utf8("Item.Created")).add("ce_subject", World.utf8("bin-1"))
                .add("ce_projectid", World.utf8(dev.project())).add("ce_source", World.utf8("/tests"));
        World.send(binary);
        event(key, dev, "Item.Created", "after-garbage", Map.of("id", "after-garbage"));

        List<JsonNode> requests = exactly(service, 2);
        assertThat(ofTrigger(requests, trigger)).isEqualTo(2);
        assertThat(requests.stream().map(r -> r.path("event").path("resourceId").asText()))
                .containsExactlyInAnyOrder("bin-1", "after-garbage");
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).as("skipped events are counted by reason")
                .containsPattern("runnel_trigger_events_skipped_total\\{[^}]*reason=\"not-json\"[^}]*} [1-9]")
                .containsPattern("runnel_trigger_events_skipped_total\\{[^}]*reason=\"unknown-resource\"[^}]*} [1-9]")
                .containsPattern("runnel_trigger_events_skipped_total\\{[^}]*reason=\"no-type\"[^}]*} [1-9]");
    }

    /**
     * A NUL in an event: over HTTP it is refused (PostgreSQL could not store it), and from the bus it is
     * matched and carried on in escaped form; either way the events after it fire as before.
     */
    @Test
    void anEventWithANulNeverStopsTheEventsAfterIt() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = eventTrigger(dev, service, "run", "Item", List.of("Created"), "Once", null);
        String withNul = "{\"specversion\":\"1.0\",\"id\":\"nul-http\",\"source\":\"/crm\",\"type\":\"Item.Created\","
                + "\"subject\":\"nul-http\",\"projectid\":\"" + dev.project() + "\",\"data\":{\"id\":\"nul-http\","
                + "\"name\":\"a\\u0000b\"}}";
        dev.request().body(withNul).post("/api/v1/events").then().statusCode(400)
                .contentType("application/problem+json");
        String key = UUID.randomUUID().toString();
        event(key, dev, "Item.Created", "nul-bus", Map.of("id", "nul-bus", "name", "a\0b"));
        event(key, dev, "Item.Created", "after-nul", Map.of("id", "after-nul"));

        List<JsonNode> requests = exactly(service, 2);
        assertThat(ofTrigger(requests, trigger)).isEqualTo(2);
        assertThat(requests.stream().map(r -> r.path("event").path("resourceId").asText()))
                .containsExactlyInAnyOrder("nul-bus", "after-nul");
    }
}
