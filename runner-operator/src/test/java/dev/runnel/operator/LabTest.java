package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.Identities;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replicas under stress, with the real runner and Python: concurrency, termination, crashes, a demoted bot. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class LabTest {

    @Inject
    LocalProcessDriver driver;

    @Test
    void atMostConcurrencyCallsRunAtOnceAndTheLimitIsReached() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of("runtime", Map.of("concurrency", 3)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ids.add(Deployments.execute(project, service, "overlap", Map.of("n", i)));
        }
        int most = 0;
        for (String id : ids) {
            JsonPath done = Deployments.waitFor(project, id);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            most = Math.max(most, done.getInt("output"));
        }
        assertThat(most).isEqualTo(3);
    }

    /**
     * An output too big for a status report (it would never reach execution-service) fails its call and
     * says why, and the service goes on: the next call on it succeeds.
     */
    @Test
    void anOutputOverTheLimitFailsItsCallClearlyAndNothingElse() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of());
        JsonPath big = Deployments.waitFor(project, Deployments.execute(project, service, "big", Map.of("n", 2 << 20)));
        assertThat(big.getString("latestStatus.status")).isEqualTo("failed");
        assertThat(big.getString("latestStatus.message")).contains("bytes of output; at most 524288 are kept");
        assertThat(big.getString("latestStatus.error.type")).isEqualTo("OutputTooLarge");
        JsonPath next = Deployments.waitFor(project, Deployments.execute(project, service, "big", Map.of("n", 10)));
        assertThat(next.getString("latestStatus.status")).isEqualTo("success");
        assertThat(next.getString("output")).isEqualTo("x".repeat(10));
    }

    @Test
    void terminateStopsACooperativeCallAndRestartsAStubbornOne() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of("runtime", Map.of("concurrency", 2)));
        String cooperative = Deployments.execute(project, service, "cooperative", Map.of());
        Deployments.awaitInProgress(project, cooperative);
        project.as().post("/executions/" + cooperative + "/terminate").then().statusCode(200);
        assertThat(Deployments.waitFor(project, cooperative).getString("latestStatus.status")).isEqualTo("terminated");

        String replicaBefore = driver.replicas(service).stream().filter(LocalProcessDriver.LocalReplica::alive).findFirst()
                .orElseThrow().id();
        String stubborn = Deployments.execute(project, service, "stubborn", Map.of());
        Deployments.awaitInProgress(project, stubborn);
        project.as().post("/executions/" + stubborn + "/terminate").then().statusCode(200);
        JsonPath done = Deployments.waitFor(project, stubborn);
        assertThat(done.getString("latestStatus.status")).isEqualTo("terminated");
        assertThat(done.getString("latestStatus.message")).contains("restarting the worker");
        Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(200), "the stuck replica to end",
                () -> driver.replicas(service).stream().noneMatch(r -> r.alive() && r.id().equals(replicaBefore)));
        assertThat(driver.replicas(service).stream().filter(LocalProcessDriver.LocalReplica::alive).map(LocalProcessDriver.LocalReplica::id))
                .doesNotContain(replicaBefore);
        Deployments.awaitStatus(project, service, "Active");
    }

    @Test
    void aKilledReplicasExecutionFollowsOnReset() throws Exception {
        Deployments.Project project = Deployments.project();
        String rerun = Deployments.deployLab(project, Map.of("onReset", "rerun"));
        String id = Deployments.execute(project, rerun, "slow", Map.of("seconds", 3));
        Deployments.awaitInProgress(project, id);
        driver.replicas(rerun).stream().filter(LocalProcessDriver.LocalReplica::alive).forEach(LocalProcessDriver.LocalReplica::kill);
        JsonPath done = Deployments.waitFor(project, id);
        assertThat(done.getString("latestStatus.status")).isEqualTo("success");
        assertThat(done.getInt("attempts")).isEqualTo(2);

        String failed = Deployments.deployLab(project, Map.of("onReset", "failed"));
        String lost = Deployments.execute(project, failed, "slow", Map.of("seconds", 30));
        Deployments.awaitInProgress(project, lost);
        driver.replicas(failed).stream().filter(LocalProcessDriver.LocalReplica::alive).forEach(LocalProcessDriver.LocalReplica::kill);
        JsonPath gone = Deployments.waitFor(project, lost);
        assertThat(gone.getString("latestStatus.status")).isEqualTo("failed");
        assertThat(gone.getString("latestStatus.message")).contains("was lost");
    }

    @Test
    void executionsFailWhenTheServicesBotIsDemoted() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of("maxAttempts", 1));
        String bot = "bot.default@" + project.id();
        assertThat(Deployments.waitFor(project, Deployments.execute(project, service, "slow", Map.of("seconds", 0)))
                .getString("latestStatus.status")).isEqualTo("success");

        Identities.call("PATCH", "/projects/" + project.id() + "/members/" + bot, project.token(),
                Map.of("role", "annotator"), 200);
        // the replica checks its bot every few seconds: from then on, its calls fail
        JsonPath refused = Eventually.value(Duration.ofSeconds(60), Duration.ofMillis(500),
                "a call refused for the demoted bot", () -> Deployments.waitFor(project,
                        Deployments.execute(project, service, "slow", Map.of("seconds", 0))),
                call -> "failed".equals(call.getString("latestStatus.status")));
        assertThat(refused.getString("latestStatus.message")).contains(bot).contains(project.id());
    }
}
