package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.Eventually;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Executions survive a crash of execution-service, and the cURL export recreates an execution. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class BatchTest {

    @Test
    void restartingExecutionServiceDuringABatchLosesNothingAndRunsNothingTwice() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of("runtime", Map.of("concurrency", 8)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(Deployments.execute(project, service, "slow", Map.of("seconds", 0.05)));
            if (i == 100) {
                OperatorWorld.execution.restart(); // a crash in the middle of the batch
            }
        }
        Eventually.until(Duration.ofSeconds(180), Duration.ofMillis(500), "the 200 executions to end", () -> {
            int finished = 0;
            for (String status : List.of("success", "failed", "terminated")) {
                finished += project.as().get("/executions?serviceId=" + service + "&status=" + status + "&pageSize=1")
                        .then().statusCode(200).extract().<Integer>path("totalItemsCount");
            }
            return finished == 200;
        });
        JsonPath all = project.as().get("/executions?serviceId=" + service + "&pageSize=1000").then().statusCode(200)
                .extract().jsonPath();
        List<String> statuses = all.getList("items.latestStatus.status");
        assertThat(statuses).as("failures: %s", all.getList("items.findAll { it.latestStatus.status != 'success' }"
                + ".status.message")).hasSize(200).containsOnly("success");
        List<List<String>> logs = all.getList("items.status.status");
        assertThat(logs).allSatisfy(log -> assertThat(log.stream().filter("success"::equals)).hasSize(1));
    }

    @Test
    void theCurlExportCreatesTheSameExecutionAgain() throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of());
        String id = Deployments.execute(project, service, "slow", Map.of("seconds", 0));
        String curl = project.as().get("/executions/" + id + "/curl").then().statusCode(200).extract().path("curl");
        assertThat(curl).contains(OperatorWorld.api + "/executions/" + service);
        Path script = Files.createTempFile("curl-", ".sh");
        Files.writeString(script, curl + " -s -o /dev/null -w '%{http_code}'\n");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        builder.environment().put("TOKEN", project.token());
        Process withToken = builder.start();
        String code = new String(withToken.getInputStream().readAllBytes()).trim();
        withToken.waitFor(30, TimeUnit.SECONDS);
        assertThat(code).isEqualTo("201");
        JsonPath list = project.as().get("/executions?serviceId=" + service).then().extract().jsonPath();
        assertThat(list.getInt("totalItemsCount")).isEqualTo(2);
        assertThat(list.getList("items.functionName")).containsOnly("slow");
        assertThat(list.getList("items.input.seconds")).containsOnly(0);
    }
}
