package dev.runnel.runner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.ServiceProcess;
import dev.runnel.testsupport.TopicReader;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path of an execution with real parts: registry, bot, execution services and the gateway
 * from their jars, Kafka and PostgreSQL, this runner's jar as a replica process, and python3 running
 * the seed's package from examples/.
 */
class RunnerEndToEndIT {

    static ServiceProcess registry;
    static ServiceProcess execution;
    static ServiceProcess gateway;
    static String api;

    @BeforeAll
    static void platform() {
        String bot = RunnelPlatform.botServiceUrl();
        Map<String, String> env = Map.of(
                "RUNNEL_KAFKA", RunnelInfrastructure.kafka().bootstrapServers(),
                "RUNNEL_JWKS_URL", bot + "/api/v1/.well-known/jwks.json",
                "RUNNEL_BOT_URL", bot);
        registry = ServiceProcess.start("registry-service", env);
        execution = ServiceProcess.start("execution-service", env);
        gateway = ServiceProcess.start("gateway", Map.of("RUNNEL_REGISTRY_URL", registry.url(), "RUNNEL_BOT_URL", bot,
                "RUNNEL_EXECUTION_URL", execution.url()));
        api = gateway.url() + "/api/v1";
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess p : new ServiceProcess[] {gateway, execution, registry}) {
            if (p != null) {
                p.close();
            }
        }
    }

    static RequestSpecification as(String token) {
        return given().baseUri(api).header("Authorization", "Bearer " + token);
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("examples"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    static byte[] zip(Path folder) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out); var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void theSeedPackageRunsOnARealReplica() throws Exception {
        Identities.User user = Identities.user("e2e");
        String project = Identities.project(user.token());
        String token = user.token();
        Path example = root().resolve("examples/seed-package");

        String codebase = as(token).contentType("application/zip").body(zip(example))
                .post("/codebases?projectId=" + project).then().statusCode(201).extract().path("id");
        ObjectNode pkg = (ObjectNode) Json.mapper().readTree(example.resolve("package.json").toFile());
        pkg.put("projectId", project);
        pkg.putObject("codebase").put("id", codebase);
        as(token).contentType("application/json").body(pkg.toString()).post("/packages").then().statusCode(201);
        ObjectNode service = (ObjectNode) Json.mapper().readTree(example.resolve("service.json").toFile());
        service.put("projectId", project);
        JsonPath deployed = as(token).contentType("application/json").body(service.toString()).post("/services")
                .then().statusCode(201).extract().jsonPath();
        String serviceId = deployed.getString("id");

        // what the operator does: the spec from service-specs, a credential of the bot, a replica process
        String spec = TopicReader.await(Topics.SERVICE_SPECS, serviceId, m -> !m.isEmpty(), Duration.ofSeconds(20))
                .get(0).value();
        String credential = Identities.call("POST", "/bots/" + deployed.getString("botUserName") + "/credentials",
                Identities.operatorToken(), null, 201).get("key").asText();
        // as a pod starts it: the spec inline, a state folder that does not exist yet, a ready file
        Path state = Files.createTempDirectory("replica-").resolve("state");
        Process replica = startReplica(spec, state, credential);
        try {
            awaitKnown(token, serviceId);
            Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the file a readiness probe looks for",
                    () -> Files.exists(state.resolve("ready")));
            assertThat(state.resolve("spec.json")).hasContent(spec);
            String run = as(token).contentType("application/json")
                    .body(Map.of("functionName", "run", "input", Map.of("item", "item-1")))
                    .post("/executions/" + serviceId + "?wait=true&timeout=60").then().statusCode(201).extract()
                    .path("id");
            JsonPath done = as(token).get("/executions/" + run + "/wait?timeout=60").then().extract().jsonPath();
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getString("output.item_id")).isEqualTo("item-1");
            assertThat(done.getList("status.status")).containsExactly("created", "in-progress", "success");

            String detect = as(token).contentType("application/json")
                    .body(Map.of("functionName", "detect", "input", Map.of("item", Map.of("item_id", "item-2"))))
                    .post("/executions/" + serviceId).then().statusCode(201).extract().path("id");
            JsonPath detected = as(token).get("/executions/" + detect + "/wait?timeout=60").then().extract().jsonPath();
            assertThat(detected.getString("latestStatus.status")).isEqualTo("success");
            assertThat(detected.getList("output.detected")).containsExactly("dog");
            // a replica announces "running on" only for a call still running after 20 ms with no progress yet,
            // so that entry may or may not be there; the applied progress updates always are
            assertThat(detected.getList("status.findAll { !(it.message ?: '').startsWith('running on') }"
                    + ".percentComplete")).containsExactly(0, 0, 30, 80, 100, 100);
            assertThat(detected.getList("status.message")).contains("execution started", "execution completed");

            List<Object> lines = Eventually.value(Duration.ofSeconds(15), Duration.ofMillis(200), "the call's log lines",
                    () -> as(token).get("/executions/" + run + "/logs").then().statusCode(200).extract()
                            .<List<Object>>path("logs.message"), found -> !found.isEmpty());
            assertThat(lines).contains("running on item item-1");

            // Dataloop's log query: pages of lines, then an empty last page with stop
            JsonPath page = as(token).contentType("application/json").body(Map.of("executionId", run))
                    .post("/services/logs").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("logs.message")).contains("running on item item-1");
            assertThat(page.getBoolean("stop")).isFalse();
            JsonPath last = as(token).contentType("application/json")
                    .body(Map.of("executionId", run, "checkpoint", page.getString("checkpoint")))
                    .post("/services/logs").then().statusCode(200).extract().jsonPath();
            assertThat(last.getList("logs")).isEmpty();
            assertThat(last.getBoolean("stop")).isTrue();

            // the replica's only consumer group is its service's work group: it reads runner-control
            // without one, so that no replica leaves a group of its own behind
            try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings())) {
                List<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                        .map(GroupListing::groupId).toList();
                assertThat(groups).contains(Topics.workGroup(serviceId)).noneMatch(g -> g.startsWith("control-"));
            }
        } finally {
            replica.destroy();
            replica.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process startReplica(String spec, Path state, String credential) throws Exception {
        Path jar = Path.of("target/runnel-runner.jar").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-jar", jar.toString()).inheritIO();
        builder.environment().putAll(RunnelInfrastructure.kafka().loginEnvironment());
        builder.environment().putAll(Map.of(
                "RUNNEL_SPEC_JSON", spec,
                "RUNNEL_SPEC_FILE", state.resolve("spec.json").toString(),
                "RUNNEL_READY_FILE", state.resolve("ready").toString(),
                "RUNNEL_KAFKA", RunnelInfrastructure.kafka().bootstrapServers(),
                "RUNNEL_API", api,
                "RUNNEL_BOT_CREDENTIAL", credential,
                "RUNNEL_RUNTIME_DIR", root().resolve("sdk/python").toString(),
                "RUNNEL_WORK_DIR", state.resolve("work").toString()));
        return builder.start();
    }

    private static void awaitKnown(String token, String serviceId) {
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(200), "execution-service to learn " + serviceId,
                () -> as(token).get("/executions?serviceId=" + serviceId).statusCode() == 200);
    }
}
