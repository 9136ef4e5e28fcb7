package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A function returns {@code {"x": "\u0000"}}, which PostgreSQL cannot store: before, its status report
 * failed on every try, the execution never ended and the calls after it on that partition waited. Now
 * the NUL is kept escaped, the execution ends, and the next call ends too. A NUL in a call's input over
 * HTTP is refused with 400 before anything is written.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class NulValuesTest {

    @Test
    void anOutputWithANulEndsItsExecutionAndHoldsUpNothing() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> r.report(item, "success",
                null, "said \0", Map.of("x", "\0", "label", "after " + item.executionId()), null))) {
            String first = ExecutionLifecycleTest.create(dev, spec, "detect", ExecutionLifecycleTest.ITEM);
            String second = ExecutionLifecycleTest.create(dev, spec, "detect", ExecutionLifecycleTest.ITEM);
            JsonPath done = ExecutionLifecycleTest.waitFor(dev, first);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getString("output.x")).as("kept as its six characters").isEqualTo("\\u0000");
            assertThat(ExecutionLifecycleTest.waitFor(dev, second).getString("latestStatus.status"))
                    .isEqualTo("success");
        }
    }

    @Test
    void anInputWithANulIsRefusedOverHttp() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        dev.request().contentType("application/json")
                .body("{\"functionName\": \"detect\", \"input\": {\"item\": {\"item_id\": \"a\\u0000b\"}}}")
                .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(400)
                .contentType("application/problem+json");
    }
}
