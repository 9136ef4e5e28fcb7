package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Eventually;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator with real services, real replica processes and real Python. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class OperatorTest {

    @Inject
    LocalProcessDriver driver;

    @Test
    void replicasFollowTheSpecAndRunExecutions() throws Exception {
        Deployments.Project project = Deployments.project();
        String serviceId = Deployments.deploy(project, null, "seed-" + System.nanoTime());
        JsonPath active = Deployments.awaitStatus(project, serviceId, "Active");
        assertThat(active.getInt("readyReplicas")).isEqualTo(1);

        String run = project.as().contentType("application/json")
                .body(Map.of("functionName", "run", "input", Map.of("item", "i-1")))
                .post("/executions/" + serviceId + "?wait=true&timeout=60").then().statusCode(201)
                .extract().path("id");
        assertThat(project.as().get("/executions/" + run).then().extract().path("latestStatus.status").toString())
                .isEqualTo("success");

        project.as().post("/services/" + serviceId + "/stop").then().statusCode(200);
        Deployments.awaitStatus(project, serviceId, "Inactive");
        Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(200), "the stopped service's replicas to end",
                () -> driver.replicas(serviceId).stream().noneMatch(LocalProcessDriver.LocalReplica::alive));

        project.as().post("/services/" + serviceId + "/resume").then().statusCode(200);
        Deployments.awaitStatus(project, serviceId, "Active");

        // a crashed replica is started again
        List<LocalProcessDriver.LocalReplica> before = driver.replicas(serviceId).stream().filter(LocalProcessDriver.LocalReplica::alive)
                .toList();
        assertThat(before).hasSize(1);
        before.get(0).kill();
        Eventually.until(Duration.ofSeconds(60), Duration.ofMillis(200), "a new replica for the crashed one",
                () -> driver.replicas(serviceId).stream().anyMatch(r -> r.alive() && !r.id().equals(before.get(0).id())));
        assertThat(driver.replicas(serviceId).stream().filter(r -> r.alive() && !r.id().equals(before.get(0).id())))
                .hasSize(1);
        Deployments.awaitStatus(project, serviceId, "Active");
    }

    @Test
    void anInitFailureMakesTheServiceErrorWithTheTraceback() throws Exception {
        Deployments.Project project = Deployments.project();
        String broken = "import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                + "    def __init__(self):\n        raise RuntimeError('model missing')\n\n"
                + "    def run(self, item):\n        return 1\n\n    def detect(self, item):\n        return 2\n";
        String serviceId = Deployments.deploy(project, broken, "broken-" + System.nanoTime());
        JsonPath error = Deployments.awaitStatus(project, serviceId, "Error");
        assertThat(error.getString("errorInfo.reason")).isEqualTo("InitFailed");
        assertThat(error.getString("errorInfo.message")).contains("model missing");
        assertThat(error.getString("errorInfo.traceback")).contains("__init__");
    }
}
