package dev.runnel.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.ExecutionStatus;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A producer on the bus that was never given an attempt's work (code in another service's replica,
 * say) writes status reports for it: none is applied, each is counted, and the real replica's
 * report still ends the execution.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ForgedReportsTest {

    private static ExecutionStatusUpdate forged(String executionId, int attempt, ExecutionStatus status,
                                                String proof) {
        return new ExecutionStatusUpdate(UUID.randomUUID().toString(), executionId, attempt, "replica-forger", status,
                null, "forged", Json.mapper().valueToTree(Map.of("forged", true)), null, Instant.now(), null, proof);
    }

    private static double refused() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("runnel_status_reports_refused_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void reportsThatDoNotProveTheirAttemptAreRefusedAndCounted() throws Exception {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        CompletableFuture<WorkItem> taken = new CompletableFuture<>();
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            taken.complete(item);
            r.report(item, "in-progress", 10, "working", null, null);
        })) {
            String id = ExecutionLifecycleTest.create(dev, spec, "detect", Map.of("item", Map.of("item_id", "i")));
            WorkItem item = taken.get(20, TimeUnit.SECONDS);
            assertThat(item.proof()).isNotBlank();
            double before = refused();

            Platform.publish(Topics.EXECUTION_STATUS, id, forged(id, 1, ExecutionStatus.SUCCESS, null));
            Platform.publish(Topics.EXECUTION_STATUS, id, forged(id, 1, ExecutionStatus.SUCCESS, "bm90LXRoZS1wcm9vZg"));
            Platform.publish(Topics.EXECUTION_STATUS, id, forged(id, 1, ExecutionStatus.FAILED, "%%% not base64"));
            // the proof of another attempt proves nothing about this one
            Platform.publish(Topics.EXECUTION_STATUS, id, forged(id, 2, ExecutionStatus.SUCCESS, item.proof()));
            Platform.publish(Topics.EXECUTION_STATUS, "other", forged("other", 1, ExecutionStatus.SUCCESS,
                    item.proof()));
            Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(200), "five forged reports counted", () -> refused() >= before + 5);

            JsonPath running = dev.request().get("/api/v1/executions/" + id).then().statusCode(200).extract().jsonPath();
            assertThat(running.getString("latestStatus.status")).isEqualTo("in-progress");
            assertThat(running.getMap("output")).isNull();

            replica.report(item, "success", null, null, Map.of("label", "real"), null);
            JsonPath done = ExecutionLifecycleTest.waitFor(dev, id);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getString("output.label")).isEqualTo("real");
            assertThat(done.getList("status.status")).containsExactly("created", "in-progress", "success");
        }
    }
}
