package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Identities;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Replicas under stress, with the real runner and Python: concurrency, termination, crashes, a demoted bot. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class LabTest {

    @Inject
    LocalProcessDriver driver;

    static String resource(String name) throws Exception {
        try (InputStream in = LabTest.class.getResourceAsStream("/lab/" + name)) {
            return new String(in.readAllBytes());
        }
    }

    /** Deploys the lab package with these service settings; returns the service id once it is Active. */
    static String deployLab(OperatorTest.Project project, Map<String, Object> settings) throws Exception {
        String id = deployLabNoWait(project, settings);
        OperatorTest.awaitStatus(project, id, "Active");
        return id;
    }

    /** Deploys without waiting for the operator to report the service. */
    static String deployLabNoWait(OperatorTest.Project project, Map<String, Object> settings) throws Exception {
        String codebase = project.as().contentType("application/zip")
                .body(OperatorTest.zip(Map.of("main.py", resource("main.py"))))
                .post("/codebases?projectId=" + project.id()).then().statusCode(201).extract().path("id");
        ObjectNode pkg = (ObjectNode) Json.mapper().readTree(resource("package.json"));
        pkg.put("projectId", project.id()).put("name", "lab-" + System.nanoTime());
        pkg.putObject("codebase").put("id", codebase);
        String packageId = project.as().contentType("application/json").body(pkg.toString()).post("/packages").then()
                .statusCode(201).extract().path("id");
        ObjectNode service = Json.mapper().valueToTree(settings);
        service.put("name", "lab-" + System.nanoTime()).put("packageId", packageId);
        return project.as().contentType("application/json").body(service.toString()).post("/services").then()
                .statusCode(201).extract().path("id");
    }

    static String execute(OperatorTest.Project project, String serviceId, String function, Map<String, Object> input) {
        return project.as().contentType("application/json").body(Map.of("functionName", function, "input", input))
                .post("/executions/" + serviceId).then().statusCode(201).extract().path("id");
    }

    static JsonPath waitFor(OperatorTest.Project project, String id) {
        JsonPath last = null;
        for (int i = 0; i < 6; i++) {
            last = project.as().get("/executions/" + id + "/wait?timeout=20").then().statusCode(200).extract().jsonPath();
            if (List.of("success", "failed", "terminated").contains(last.getString("latestStatus.status"))) {
                return last;
            }
        }
        return last;
    }

    static void awaitInProgress(OperatorTest.Project project, String id) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if ("in-progress".equals(project.as().get("/executions/" + id).then().extract().path("latestStatus.status"))) {
                return;
            }
            OperatorTest.sleep(100);
        }
        throw new AssertionError(id + " never started");
    }

    @Test
    void atMostConcurrencyCallsRunAtOnceAndTheLimitIsReached() throws Exception {
        OperatorTest.Project project = OperatorTest.project();
        String service = deployLab(project, Map.of("runtime", Map.of("concurrency", 3)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ids.add(execute(project, service, "overlap", Map.of("n", i)));
        }
        int most = 0;
        for (String id : ids) {
            JsonPath done = waitFor(project, id);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            most = Math.max(most, done.getInt("output"));
        }
        assertThat(most).isEqualTo(3);
    }

    @Test
    void terminateStopsACooperativeCallAndRestartsAStubbornOne() throws Exception {
        OperatorTest.Project project = OperatorTest.project();
        String service = deployLab(project, Map.of("runtime", Map.of("concurrency", 2)));
        String cooperative = execute(project, service, "cooperative", Map.of());
        awaitInProgress(project, cooperative);
        project.as().post("/executions/" + cooperative + "/terminate").then().statusCode(200);
        assertThat(waitFor(project, cooperative).getString("latestStatus.status")).isEqualTo("terminated");

        String replicaBefore = driver.replicas(service).stream().filter(LocalProcessDriver.LocalReplica::alive).findFirst()
                .orElseThrow().id();
        String stubborn = execute(project, service, "stubborn", Map.of());
        awaitInProgress(project, stubborn);
        project.as().post("/executions/" + stubborn + "/terminate").then().statusCode(200);
        JsonPath done = waitFor(project, stubborn);
        assertThat(done.getString("latestStatus.status")).isEqualTo("terminated");
        assertThat(done.getString("latestStatus.message")).contains("restarting the worker");
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && driver.replicas(service).stream()
                .anyMatch(r -> r.alive() && r.id().equals(replicaBefore))) {
            OperatorTest.sleep(200);
        }
        assertThat(driver.replicas(service).stream().filter(LocalProcessDriver.LocalReplica::alive).map(LocalProcessDriver.LocalReplica::id))
                .doesNotContain(replicaBefore);
        OperatorTest.awaitStatus(project, service, "Active");
    }

    @Test
    void aKilledReplicasExecutionFollowsOnReset() throws Exception {
        OperatorTest.Project project = OperatorTest.project();
        String rerun = deployLab(project, Map.of("onReset", "rerun"));
        String id = execute(project, rerun, "slow", Map.of("seconds", 3));
        awaitInProgress(project, id);
        driver.replicas(rerun).stream().filter(LocalProcessDriver.LocalReplica::alive).forEach(LocalProcessDriver.LocalReplica::kill);
        JsonPath done = waitFor(project, id);
        assertThat(done.getString("latestStatus.status")).isEqualTo("success");
        assertThat(done.getInt("attempts")).isEqualTo(2);

        String failed = deployLab(project, Map.of("onReset", "failed"));
        String lost = execute(project, failed, "slow", Map.of("seconds", 30));
        awaitInProgress(project, lost);
        driver.replicas(failed).stream().filter(LocalProcessDriver.LocalReplica::alive).forEach(LocalProcessDriver.LocalReplica::kill);
        JsonPath gone = waitFor(project, lost);
        assertThat(gone.getString("latestStatus.status")).isEqualTo("failed");
        assertThat(gone.getString("latestStatus.message")).contains("was lost");
    }

    @Test
    void executionsFailWhenTheServicesBotIsDemoted() throws Exception {
        OperatorTest.Project project = OperatorTest.project();
        String service = deployLab(project, Map.of("maxAttempts", 1));
        String bot = "bot.default@" + project.id();
        assertThat(waitFor(project, execute(project, service, "slow", Map.of("seconds", 0)))
                .getString("latestStatus.status")).isEqualTo("success");

        Identities.call("PATCH", "/projects/" + project.id() + "/members/" + bot, project.token(),
                Map.of("role", "annotator"), 200);
        TimeUnit.SECONDS.sleep(4);
        JsonPath refused = waitFor(project, execute(project, service, "slow", Map.of("seconds", 0)));
        assertThat(refused.getString("latestStatus.status")).isEqualTo("failed");
        assertThat(refused.getString("latestStatus.message")).contains(bot).contains(project.id());
    }
}
