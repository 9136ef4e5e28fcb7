package dev.runnel.execution;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.WorkItem;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A project's open executions are limited: over the limit, a create answers 429 naming it, and makes nothing. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
@TestProfile(RunningLimitTest.Two.class)
class RunningLimitTest {

    /** Two open executions per project. */
    public static class Two implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.quota.concurrent-executions", "2");
        }
    }

    private static final Map<String, Object> ITEM = Map.of("item", Map.of("item_id", "item-1"));

    @Test
    void aProjectRunsAsManyExecutionsAtOnceAsItsLimit() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        List<WorkItem> held = new CopyOnWriteArrayList<>();
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> held.add(item))) {
            ExecutionLifecycleTest.create(dev, spec, "detect", ITEM);
            ExecutionLifecycleTest.create(dev, spec, "detect", ITEM);
            dev.request().contentType("application/json").body(Map.of("functionName", "detect", "input", ITEM))
                    .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(429)
                    .contentType("application/problem+json").body("limit", equalTo("concurrent-executions"))
                    .body("message", containsString("over its limit of 2"));
            dev.request().get("/api/v1/executions?serviceId=" + spec.serviceId()).then().statusCode(200)
                    .body("totalItemsCount", equalTo(2));

            // one ends: within a recount, there is room again
            Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(100), "the work taken", () -> !held.isEmpty());
            replica.report(held.get(0), "success", null, null, Map.of(), null);
            ExecutionLifecycleTest.waitFor(dev, held.get(0).executionId());
            Eventually.until(Duration.ofSeconds(10), Duration.ofMillis(200), "room for one more", () ->
                    dev.request().contentType("application/json").body(Map.of("functionName", "detect", "input", ITEM))
                            .post("/api/v1/executions/" + spec.serviceId()).statusCode() == 201);
        }
    }
}
