package dev.runnel.trigger;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TopicReader;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The world around trigger-service in its tests: users and projects from bot-service, service specs
 * published on {@code service-specs} as registry-service does, and resource events published with a
 * plain Kafka producer as users' systems do.
 */
final class World {

    private static KafkaProducer<String, String> producer;

    private World() {
    }

    record Developer(String project, String token) {
        RequestSpecification request() {
            return given().header("Authorization", "Bearer " + token).contentType("application/json");
        }
    }

    static Developer developer() {
        Identities.User user = Identities.user("dev");
        String project = Identities.project(user.token());
        return new Developer(project, Identities.token(user.apiKey()));
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(Map.of("acks", "all")),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    static void send(ProducerRecord<String, String> record) {
        try {
            producer().send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A service with {@code run(item: Item)}, {@code onAnnotation(annotation: Annotation)},
     * {@code onDataset(dataset: Dataset)}, {@code onTask(task: Task)} and {@code tick(note: String)},
     * published and known to trigger-service.
     */
    static ServiceSpec service(Developer dev, boolean active) {
        String id = "svc" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        List<Module.Function> functions = List.of(
                function("run", "item", "Item"), function("onAnnotation", "annotation", "Annotation"),
                function("onDataset", "dataset", "Dataset"), function("onTask", "task", "Task"),
                function("tick", "note", "String"));
        ServiceSpec spec = new ServiceSpec(UUID.randomUUID().toString(), id, dev.project(), "svc-" + id, 1, active,
                "pkg1", "default_package", 1, CodebaseRef.blob("0".repeat(64), 10),
                new Module("default_module", "ServiceRunner", "main.py", List.of(), functions),
                JsonNodeFactory.instance.objectNode(), new Runtime(false, 1, 4, null, "regular-s", null), 3, 3600,
                OnReset.FAILED, 600, "bot.default@" + dev.project(), Instant.now(), null);
        publishSpec(spec);
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(100), "trigger-service to learn service " + id,
                () -> dev.request().get("/api/v1/triggers?serviceId=" + id).statusCode() == 200);
        return spec;
    }

    static void publishSpec(ServiceSpec spec) {
        try {
            send(new ProducerRecord<>(Topics.SERVICE_SPECS, spec.serviceId(), Json.mapper().writeValueAsString(spec)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Module.Function function(String name, String input, String type) {
        return new Module.Function(name, null, List.of(new Module.FunctionIo(input, type, null, null)), List.of());
    }

    /** Creates an event trigger; returns its id. */
    static String eventTrigger(Developer dev, ServiceSpec service, String function, String resource, List<String> actions,
                               String mode, Object filter) {
        Map<String, Object> spec = new java.util.HashMap<>(Map.of("resource", resource, "actions", actions,
                "executionMode", mode, "operation", Map.of("type", "function", "serviceId", service.serviceId(),
                        "functionName", function)));
        if (filter != null) {
            spec.put("filter", filter);
        }
        return dev.request().body(Map.of("type", "Event", "name", "t-" + UUID.randomUUID(), "projectId", dev.project(),
                "spec", spec)).post("/api/v1/triggers").then().statusCode(201).extract().path("id");
    }

    /** Publishes a structured CloudEvent; the Kafka key is {@code key} (events of one key stay in order). */
    static String event(String key, Developer dev, String type, String resourceId, Object data, String actor, int hop) {
        ObjectNode event = Json.mapper().createObjectNode().put("specversion", "1.0")
                .put("id", UUID.randomUUID().toString()).put("source", "/tests").put("type", type)
                .put("subject", resourceId).put("projectid", dev.project()).put("hop", hop);
        if (actor != null) {
            event.put("actorid", actor);
        }
        event.set("data", Json.mapper().valueToTree(data));
        send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, key, event.toString()));
        return event.get("id").asText();
    }

    static String event(String key, Developer dev, String type, String resourceId, Object data) {
        return event(key, dev, type, resourceId, data, "someone@example.com", 0);
    }

    /** The execution requests published for a service, as JSON. */
    static List<JsonNode> requests(ServiceSpec service, Predicate<List<JsonNode>> done, Duration timeout) {
        return TopicReader.await(Topics.EXECUTION_REQUESTS, service.serviceId(),
                messages -> done.test(messages.stream().map(World::json).toList()), timeout)
                .stream().map(World::json).toList();
    }

    /** Waits for {@code count} requests of the service, then reads a little longer to see that no more come. */
    static List<JsonNode> exactly(ServiceSpec service, int count) {
        List<JsonNode> found = requests(service, r -> r.size() >= count, Duration.ofSeconds(20));
        List<JsonNode> settled = requests(service, r -> false, Duration.ofMillis(1500));
        return settled.size() >= found.size() ? settled : found;
    }

    static long ofTrigger(List<JsonNode> requests, String triggerId) {
        return requests.stream().filter(r -> triggerId.equals(r.path("triggerId").asText())).count();
    }

    private static JsonNode json(TopicReader.Message message) {
        try {
            return Json.mapper().readTree(message.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
