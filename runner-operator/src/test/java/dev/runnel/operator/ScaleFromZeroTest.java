package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.Eventually;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call to a service at zero replicas starts one at once: the operator reconciles when the execution
 * is created, not at its next round. Here rounds are a minute apart, so only the wake-up can start the
 * replica before the call's wait ends (local processes, real executions).
 */
@QuarkusTest
@TestProfile(ScaleFromZeroTest.SlowRounds.class)
@WithTestResource(OperatorWorld.class)
class ScaleFromZeroTest {

    /** Rounds a minute apart. */
    public static class SlowRounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.operator.reconcile-interval", "60s");
        }
    }

    @Test
    void aCallToAServiceAtZeroStartsAReplicaWithoutWaitingForTheNextRound() throws Exception {
        Deployments.Project project = Deployments.project();
        // no waiting for the operator's report: its first round is a minute away
        String service = Deployments.deployLabNoWait(project, Map.of("runtime", Map.of("concurrency", 1, "autoscaler",
                Map.of("minReplicas", 0, "maxReplicas", 1, "queueLength", 1, "cooldownSeconds", 300))));
        // execution-service takes the new service's spec from the topic a moment after it was deployed
        String id = Eventually.value(Duration.ofSeconds(10), Duration.ofMillis(100), "the execution to be created",
                () -> project.as().contentType("application/json")
                        .body(Map.of("functionName", "slow", "input", Map.of("seconds", 0))).post("/executions/" + service),
                created -> created.statusCode() == 201).then().extract().path("id");
        // well within a round (60 s, the first one a minute after the operator started)
        assertThat(project.as().get("/executions/" + id + "/wait?timeout=30").then().statusCode(200).extract()
                .jsonPath().getString("latestStatus.status")).isEqualTo("success");
    }
}
