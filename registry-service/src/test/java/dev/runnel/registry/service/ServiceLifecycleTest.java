package dev.runnel.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Specs;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ServiceLifecycleTest {

    static String pushWithThreeUpdates(Api api) {
        ObjectNode pkg = api.seedPackage(api.codebase());
        ((ObjectNode) pkg.get("modules").get(0)).putArray("initInputs").addObject().put("name", "model")
                .put("type", "String");
        String id = api.post("/packages", pkg).statusCode(201).extract().path("id");
        for (int i = 2; i <= 4; i++) {
            api.patch("/packages/" + id, Api.mapper().createObjectNode().put("description", "rev " + i))
                    .statusCode(200).body("version", equalTo(i));
        }
        return id;
    }

    @Test
    void seedServiceJsonIsAcceptedAsWritten() {
        Api api = Api.newProject();
        String project = api.project;
        ObjectNode pkg = api.seedPackage(api.codebase());
        pkg.put("name", "seed-pkg-" + project);
        api.post("/packages", pkg).statusCode(201);
        ObjectNode service = Api.seed("service.json");
        service.put("packageName", "seed-pkg-" + project);
        api.post("/services", service).statusCode(201)
                .body("name", equalTo("service-name")).body("projectId", equalTo(project))
                .body("packageRevision", equalTo(1)).body("moduleName", equalTo("default_module"))
                .body("runtime.concurrency", equalTo(6)).body("runtime.replicas", equalTo(1))
                .body("runtime.gpu", equalTo(false)).body("runtime.runnerImage", nullValue())
                .body("runtime.podType", equalTo("regular-s"))
                .body("maxAttempts", equalTo(3)).body("onReset", equalTo("failed")).body("version", equalTo(1))
                .body("active", equalTo(true));
    }

    @Test
    void pushUpdateDeployMoveAndRestoreAreVisibleInTheApiAndOnServiceSpecs() {
        Api api = Api.newProject();
        String project = api.project;
        String packageId = pushWithThreeUpdates(api);
        api.get("/packages/" + packageId + "/revisions").body("items", hasSize(4));

        ObjectNode deploy = Api.mapper().createObjectNode().put("name", "classifier").put("projectId", project)
                .put("packageId", packageId).put("packageRevision", 1);
        deploy.putObject("initParams").put("model", "resnet");
        deploy.putObject("runtime").put("concurrency", 4).putObject("autoscaler").put("maxReplicas", 3);
        String id = api.post("/services", deploy).statusCode(201)
                .body("packageRevision", equalTo(1)).body("version", equalTo(1))
                .body("runtime.autoscaler.minReplicas", equalTo(0)).body("runtime.autoscaler.queueLength", equalTo(10))
                .extract().path("id");

        api.patch("/services/" + id, Api.mapper().createObjectNode().put("packageRevision", 3)).statusCode(200)
                .body("packageRevision", equalTo(3)).body("version", equalTo(2));

        api.post("/services/" + id + "/revisions/1/restore", "").statusCode(200)
                .body("packageRevision", equalTo(1)).body("version", equalTo(3)).body("initParams.model", equalTo("resnet"));

        api.get("/services/" + id + "/revisions").statusCode(200).body("items.version", equalTo(List.of(1, 2, 3)))
                .body("items.packageRevision", equalTo(List.of(1, 3, 1)));

        List<ServiceSpec> specs = Specs.published(id, 3);
        assertThat(specs).extracting(ServiceSpec::version).containsExactly(1, 2, 3);
        assertThat(specs).extracting(ServiceSpec::packageRevision).containsExactly(1, 3, 1);
        ServiceSpec last = specs.get(2);
        assertThat(last.projectId()).isEqualTo(project);
        assertThat(last.module().name()).isEqualTo("default_module");
        assertThat(last.module().initInputs()).extracting(i -> i.name()).containsExactly("model");
        assertThat(last.codebase().sha256()).hasSize(64);
        assertThat(last.runtime().concurrency()).isEqualTo(4);
        assertThat(last.runtime().autoscaler().maxReplicas()).isEqualTo(3);
        assertThat(last.initParams().get("model").asText()).isEqualTo("resnet");
        assertThat(specs).extracting(ServiceSpec::eventId).doesNotHaveDuplicates();
    }

    @Test
    void theWholeServiceJsonSentBackWithoutChangesMakesNoNewVersion() {
        Api api = Api.newProject();
        String project = api.project;
        String packageId = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        String body = api.post("/services", Api.mapper().createObjectNode().put("name", "same").put("packageId",
                packageId)).statusCode(201).extract().asString();
        ObjectNode service = (ObjectNode) parse(body);
        api.patch("/services/" + service.get("id").asText(), service).statusCode(200).body("version", equalTo(1));
        ((ObjectNode) service.get("runtime")).put("replicas", 2);
        api.patch("/services/" + service.get("id").asText(), service).statusCode(200).body("version", equalTo(2))
                .body("runtime.replicas", equalTo(2));
        service.put("projectId", "someone-else");
        api.patch("/services/" + service.get("id").asText(), service).statusCode(400)
                .body("field", equalTo("projectId"));
    }

    @Test
    void stopResumeAndDeletePublishTheirState() {
        Api api = Api.newProject();
        String project = api.project;
        String packageId = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        String id = api.post("/services", Api.mapper().createObjectNode().put("name", "s1").put("packageId",
                packageId)).statusCode(201).extract().path("id");
        api.get("/services/" + id + "/status").statusCode(200).body("status", equalTo("Initializing"));
        // what the operator reports shows in the status
        publishStatus(new ServiceStatus(UUID.randomUUID().toString(), id, 1, ServiceStatus.State.Active, 1, 1, null,
                java.time.Instant.now()));
        awaitStatus(api, id, "Active");
        api.get("/services/" + id + "/status").body("readyReplicas", equalTo(1));
        publishStatus(new ServiceStatus(UUID.randomUUID().toString(), id, 1, ServiceStatus.State.Error, 0, 1,
                new ServiceStatus.Error("InitFailed", "RuntimeError: model missing", "Traceback ..."),
                java.time.Instant.now()));
        awaitStatus(api, id, "Error");
        api.get("/services/" + id + "/status").body("errorInfo.message", equalTo("RuntimeError: model missing"));

        api.post("/services/" + id + "/stop", "").statusCode(200).body("active", equalTo(false))
                .body("version", equalTo(1));
        api.get("/services/" + id + "/status").statusCode(200).body("status", equalTo("Inactive"));
        api.post("/services/" + id + "/resume", "").statusCode(200).body("active", equalTo(true));
        api.delete("/services/" + id).statusCode(204);
        api.get("/services/" + id).statusCode(404).contentType("application/problem+json");

        List<ServiceSpec> specs = Specs.published(id, 4);
        assertThat(specs).hasSize(4);
        assertThat(specs.subList(0, 3)).extracting(ServiceSpec::active).containsExactly(true, false, true);
        assertThat(specs.get(3)).as("tombstone").isNull();
    }

    @Test
    void manyServicesFromOneModuleAndListsByProject() {
        Api api = Api.newProject();
        String project = api.project;
        String packageId = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        for (String name : List.of("a", "b", "c")) {
            api.post("/services", Api.mapper().createObjectNode().put("name", name).put("packageId", packageId))
                    .statusCode(201);
        }
        api.post("/services", Api.mapper().createObjectNode().put("name", "a").put("packageId", packageId))
                .statusCode(409);
        api.get("/services?projectId=" + project).statusCode(200).body("totalItemsCount", equalTo(3));
        api.get("/services?projectId=" + project + "&name=b").statusCode(200).body("items[0].name", equalTo("b"));
    }

    @Test
    void invalidDeploysAnswerProblemsNamingTheFieldAndStoreNothing() {
        Api api = Api.newProject();
        String project = api.project;
        ObjectNode pkg = api.seedPackage(api.codebase());
        ((ObjectNode) pkg.get("modules").get(0)).putArray("initInputs").addObject().put("name", "threshold")
                .put("type", "Float");
        String packageId = api.post("/packages", pkg).statusCode(201).extract().path("id");

        invalid(api, packageId, s -> s.remove("name"), "name");
        invalid(api, packageId, s -> s.put("name", "has space"), "name");
        invalid(api, packageId, s -> s.remove("packageId"), "packageId");
        invalid(api, packageId, s -> s.put("packageId", "unknown"), "packageId");
        invalid(api, packageId, s -> s.put("packageRevision", 9), "packageRevision");
        invalid(api, packageId, s -> s.put("packageRevision", "newest"), "packageRevision");
        invalid(api, packageId, s -> s.put("moduleName", "nope"), "moduleName");
        invalid(api, packageId, s -> s.remove("initParams"), "initParams.threshold");
        invalid(api, packageId, s -> ((ObjectNode) s.get("initParams")).put("threshold", "high"), "initParams.threshold");
        invalid(api, packageId, s -> ((ObjectNode) s.get("initParams")).put("extra", 1), "initParams.extra");
        invalid(api, packageId, s -> s.putObject("runtime").put("replicas", -1), "runtime.replicas");
        invalid(api, packageId, s -> s.putObject("runtime").put("replicas", "two"), "runtime.replicas");
        invalid(api, packageId, s -> s.putObject("runtime").put("concurrency", 0), "runtime.concurrency");
        invalid(api, packageId, s -> s.putObject("runtime").put("podType", "huge"), "runtime.podType");
        invalid(api, packageId, s -> s.putObject("runtime").put("gpu", true).put("podType", "regular-m"), "runtime.podType");
        invalid(api, packageId, s -> s.putObject("runtime").put("runnerImage", "bad image"), "runtime.runnerImage");
        invalid(api, packageId, s -> s.putObject("runtime").putObject("autoscaler").put("minReplicas", 3)
                .put("maxReplicas", 2), "runtime.autoscaler.maxReplicas");
        invalid(api, packageId, s -> s.putObject("runtime").putObject("autoscaler").put("queueLength", 0),
                "runtime.autoscaler.queueLength");
        invalid(api, packageId, s -> s.put("maxAttempts", 0), "maxAttempts");
        invalid(api, packageId, s -> s.put("executionTimeout", 0), "executionTimeout");
        invalid(api, packageId, s -> s.put("onReset", "explode"), "onReset");
        invalid(api, packageId, s -> s.put("drainTime", -5), "drainTime");

        api.get("/services?projectId=" + project).statusCode(200).body("totalItemsCount", equalTo(0));

        ObjectNode gpu = valid(packageId);
        gpu.putObject("runtime").put("gpu", true);
        api.post("/services", gpu).statusCode(201).body("runtime.podType", equalTo("gpu-t4"));
    }

    @Test
    void unknownServiceAnswers404Problem() {
        Api api = Api.newProject();
        api.get("/services/nope").statusCode(404).contentType("application/problem+json")
                .body("message", containsString("nope"));
        api.patch("/services/nope", Api.mapper().createObjectNode()).statusCode(404);
        api.post("/services/nope/stop", "").statusCode(404);
    }

    static void publishStatus(ServiceStatus status) {
        TopicWriter.send(Topics.SERVICE_STATUS, status.serviceId(), Db.json(status));
    }

    static void awaitStatus(Api api, String id, String status) {
        Eventually.until(Duration.ofSeconds(15), Duration.ofMillis(100), "service " + id + " to become " + status,
                () -> status.equals(api.get("/services/" + id + "/status").extract().path("status")));
    }

    private static ObjectNode valid(String packageId) {
        ObjectNode service = Api.mapper().createObjectNode().put("name", "svc-" + System.nanoTime())
                .put("packageId", packageId);
        service.putObject("initParams").put("threshold", 0.5);
        return service;
    }

    private static void invalid(Api api, String packageId, Consumer<ObjectNode> breakIt, String field) {
        ObjectNode service = valid(packageId);
        breakIt.accept(service);
        api.post("/services", service).log().ifValidationFails().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo(field))
                .body("message", containsString(field));
    }

    private static JsonNode parse(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
