package dev.runnel.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Identities;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The operator with real services, real replica processes and real Python. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class OperatorTest {

    @Inject
    LocalProcessDriver driver;

    record Project(String id, String token) {
        RequestSpecification as() {
            return given().baseUri(OperatorWorld.api).header("Authorization", "Bearer " + token);
        }
    }

    static Project project() {
        Identities.User user = Identities.user("ops");
        String id = Identities.project(user.token());
        return new Project(id, user.token());
    }

    static byte[] zip(Map<String, String> files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Pushes the seed package (or other code under its schema) and deploys it; returns the service id. */
    static String deploy(Project project, String mainPy, String name) throws Exception {
        Path example = OperatorWorld.root().resolve("examples/seed-package");
        String code = mainPy != null ? mainPy : Files.readString(example.resolve("main.py"));
        String codebase = project.as().contentType("application/zip").body(zip(Map.of("main.py", code)))
                .post("/codebases?projectId=" + project.id()).then().statusCode(201).extract().path("id");
        ObjectNode pkg = (ObjectNode) Json.mapper().readTree(example.resolve("package.json").toFile());
        pkg.put("projectId", project.id()).put("name", name);
        pkg.putObject("codebase").put("id", codebase);
        project.as().contentType("application/json").body(pkg.toString()).post("/packages").then().statusCode(201);
        ObjectNode service = (ObjectNode) Json.mapper().readTree(example.resolve("service.json").toFile());
        service.put("projectId", project.id()).put("packageName", name).put("name", name);
        return project.as().contentType("application/json").body(service.toString()).post("/services").then()
                .statusCode(201).extract().path("id");
    }

    static JsonPath awaitStatus(Project project, String serviceId, String status) {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonPath last = null;
        while (System.currentTimeMillis() < deadline) {
            last = project.as().get("/services/" + serviceId + "/status").then().extract().jsonPath();
            if (status.equals(last.getString("status"))) {
                return last;
            }
            sleep(200);
        }
        throw new AssertionError("service never became " + status + "; last: " + (last == null ? null : last.prettify()));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void replicasFollowTheSpecAndRunExecutions() throws Exception {
        Project project = project();
        String serviceId = deploy(project, null, "seed-" + System.nanoTime());
        JsonPath active = awaitStatus(project, serviceId, "Active");
        assertThat(active.getInt("readyReplicas")).isEqualTo(1);

        String run = project.as().contentType("application/json")
                .body(Map.of("functionName", "run", "input", Map.of("item", "i-1")))
                .post("/executions/" + serviceId + "?wait=true&timeout=60").then().statusCode(201)
                .extract().path("id");
        assertThat(project.as().get("/executions/" + run).then().extract().path("latestStatus.status").toString())
                .isEqualTo("success");

        project.as().post("/services/" + serviceId + "/stop").then().statusCode(200);
        awaitStatus(project, serviceId, "Inactive");
        long deadline = System.currentTimeMillis() + 30_000;
        while (driver.replicas(serviceId).stream().anyMatch(LocalProcessDriver.LocalReplica::alive)
                && System.currentTimeMillis() < deadline) {
            sleep(200);
        }
        assertThat(driver.replicas(serviceId).stream().filter(LocalProcessDriver.LocalReplica::alive)).isEmpty();

        project.as().post("/services/" + serviceId + "/resume").then().statusCode(200);
        awaitStatus(project, serviceId, "Active");

        // a crashed replica is started again
        List<LocalProcessDriver.LocalReplica> before = driver.replicas(serviceId).stream().filter(LocalProcessDriver.LocalReplica::alive)
                .toList();
        assertThat(before).hasSize(1);
        before.get(0).kill();
        deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && driver.replicas(serviceId).stream()
                .noneMatch(r -> r.alive() && !r.id().equals(before.get(0).id()))) {
            sleep(200);
        }
        assertThat(driver.replicas(serviceId).stream().filter(r -> r.alive() && !r.id().equals(before.get(0).id())))
                .hasSize(1);
        awaitStatus(project, serviceId, "Active");
    }

    @Test
    void anInitFailureMakesTheServiceErrorWithTheTraceback() throws Exception {
        Project project = project();
        String broken = "import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                + "    def __init__(self):\n        raise RuntimeError('model missing')\n\n"
                + "    def run(self, item):\n        return 1\n\n    def detect(self, item):\n        return 2\n";
        String serviceId = deploy(project, broken, "broken-" + System.nanoTime());
        JsonPath error = awaitStatus(project, serviceId, "Error");
        assertThat(error.getString("errorInfo.reason")).isEqualTo("InitFailed");
        assertThat(error.getString("errorInfo.message")).contains("model missing");
        assertThat(error.getString("errorInfo.traceback")).contains("__init__");
    }
}
