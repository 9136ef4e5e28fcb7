package dev.runnel.execution;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The world around execution-service in its tests: a real user and project from bot-service, and
 * service specs published on {@code service-specs} as registry-service publishes them.
 */
final class Platform {

    private static KafkaProducer<String, String> producer;

    private Platform() {
    }

    /** A developer with a project. */
    record Developer(String project, String token) {
        RequestSpecification request() {
            return given().header("Authorization", "Bearer " + token);
        }
    }

    static Developer developer() {
        Identities.User user = Identities.user("dev");
        String project = Identities.project(user.token());
        return new Developer(project, user.token());
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(Map.of("acks", "all")),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    /** Publishes a message as a Runnel service would, with an event id header. */
    static void publish(String topic, String key, Object value) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key,
                    value == null ? null : Json.mapper().writeValueAsString(value));
            record.headers().add(Topics.HEADER_EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            producer().send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes bytes that are not a Runnel message (a broken producer). */
    static void publishGarbage(String topic) {
        try {
            producer().send(new ProducerRecord<>(topic, "garbage", "{not json")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A spec with functions {@code run(item: Item)} and {@code detect(item: Item, threshold: Float = 0.5)}. */
    static ServiceSpec spec(String project, int maxAttempts, int executionTimeout, String onReset, boolean active) {
        List<Module.Function> functions = List.of(
                new Module.Function("run", null, List.of(new Module.FunctionIo("item", "Item", null, null)), List.of()),
                new Module.Function("detect", null, List.of(new Module.FunctionIo("item", "Item", null, null),
                        new Module.FunctionIo("threshold", "Float", JsonNodeFactory.instance.numberNode(0.5), null)),
                        List.of()),
                new Module.Function("echo", null, List.of(new Module.FunctionIo("payload", "Json", null, null)),
                        List.of()));
        return new ServiceSpec(UUID.randomUUID().toString(), "svc" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 20), project, "svc", 1, active, "pkg1", "default_package", 1,
                CodebaseRef.blob("0".repeat(64), 10),
                new Module("default_module", "ServiceRunner", "main.py", List.of(), functions),
                JsonNodeFactory.instance.objectNode(), new Runtime(false, 1, 4, null, "regular-s", null), maxAttempts,
                executionTimeout, OnReset.of(onReset), 600, "bot.default@" + project, Instant.now(), null);
    }

    /** Publishes a spec and waits until execution-service knows the service. */
    static ServiceSpec deploy(Developer developer, ServiceSpec spec) {
        publish(Topics.SERVICE_SPECS, spec.serviceId(), spec);
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(100), "execution-service to learn service "
                + spec.serviceId(), () -> developer.request().get("/api/v1/executions?serviceId=" + spec.serviceId())
                .statusCode() == 200);
        return spec;
    }
}
