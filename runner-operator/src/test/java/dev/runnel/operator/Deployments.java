package dev.runnel.operator;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.Identities;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What the operator's tests do through the platform's API ({@link OperatorWorld}): a project of a new
 * user, a package deployed as a service (the seed package, or the lab package of test functions),
 * executions of it, and waits on what the platform reports.
 */
final class Deployments {

    private Deployments() {
    }

    /** A project and its owner's token. */
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
        return Eventually.value(Duration.ofSeconds(60), Duration.ofMillis(200), "service to become " + status,
                () -> project.as().get("/services/" + serviceId + "/status").then().extract().jsonPath(),
                last -> status.equals(last.getString("status")));
    }

    /** A file of the lab package (test functions: slow, stubborn, ...). */
    static String labFile(String name) throws Exception {
        try (InputStream in = Deployments.class.getResourceAsStream("/lab/" + name)) {
            return new String(in.readAllBytes());
        }
    }

    /** Deploys the lab package with these service settings; returns the service id once it is Active. */
    static String deployLab(Project project, Map<String, Object> settings) throws Exception {
        String id = deployLabNoWait(project, settings);
        awaitStatus(project, id, "Active");
        return id;
    }

    /** Deploys the lab package without waiting for the operator to report the service. */
    static String deployLabNoWait(Project project, Map<String, Object> settings) throws Exception {
        String codebase = project.as().contentType("application/zip")
                .body(zip(Map.of("main.py", labFile("main.py"))))
                .post("/codebases?projectId=" + project.id()).then().statusCode(201).extract().path("id");
        ObjectNode pkg = (ObjectNode) Json.mapper().readTree(labFile("package.json"));
        pkg.put("projectId", project.id()).put("name", "lab-" + System.nanoTime());
        pkg.putObject("codebase").put("id", codebase);
        String packageId = project.as().contentType("application/json").body(pkg.toString()).post("/packages").then()
                .statusCode(201).extract().path("id");
        ObjectNode service = Json.mapper().valueToTree(settings);
        service.put("name", "lab-" + System.nanoTime()).put("packageId", packageId);
        return project.as().contentType("application/json").body(service.toString()).post("/services").then()
                .statusCode(201).extract().path("id");
    }

    static String execute(Project project, String serviceId, String function, Map<String, Object> input) {
        return project.as().contentType("application/json").body(Map.of("functionName", function, "input", input))
                .post("/executions/" + serviceId).then().statusCode(201).extract().path("id");
    }

    /** The execution once it ended (or as it is after two minutes). */
    static JsonPath waitFor(Project project, String id) {
        JsonPath last = null;
        for (int i = 0; i < 6; i++) {
            last = project.as().get("/executions/" + id + "/wait?timeout=20").then().statusCode(200).extract().jsonPath();
            if (List.of("success", "failed", "terminated").contains(last.getString("latestStatus.status"))) {
                return last;
            }
        }
        return last;
    }

    static void awaitInProgress(Project project, String id) {
        Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), id + " to start",
                () -> "in-progress".equals(project.as().get("/executions/" + id).then().extract()
                        .path("latestStatus.status")));
    }
}
