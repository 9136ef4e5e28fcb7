package dev.runnel.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.registry.fixture.Api;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A project's limits on services, replicas and GPU replicas: each answers 429 naming it, and writes nothing. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
@TestProfile(ProjectQuotasTest.Small.class)
class ProjectQuotasTest {

    /** Small limits, so that a test reaches them. */
    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.quota.services", "3", "runnel.quota.replicas", "5", "runnel.quota.gpu-replicas", "2");
        }
    }

    private static ObjectNode service(String name, String packageId, int replicas, boolean gpu) {
        ObjectNode service = Api.mapper().createObjectNode().put("name", name).put("packageId", packageId);
        service.putObject("runtime").put("replicas", replicas).put("gpu", gpu);
        return service;
    }

    private static int services(Api api) {
        return api.get("/services?projectId=" + api.project).statusCode(200).extract().path("totalItemsCount");
    }

    @Test
    void servicesReplicasAndGpuReplicasEachHaveALimit() {
        Api api = Api.newProject();
        String pkg = api.pushPackage("pkg");
        api.post("/services", service("a", pkg, 2, false)).statusCode(201);
        // replicas: 2 + 4 > 5
        api.post("/services", service("b", pkg, 4, false)).statusCode(429)
                .contentType("application/problem+json").body("limit", equalTo("replicas"))
                .body("message", containsString("over its limit of 5"));
        // gpu replicas: 3 > 2
        api.post("/services", service("g", pkg, 3, true)).statusCode(429).body("limit", equalTo("gpu-replicas"));
        assertThat(services(api)).as("nothing half-created").isEqualTo(1);
        String gpu = api.post("/services", service("g", pkg, 2, true)).statusCode(201).extract().path("id");
        // an autoscaler counts with its maximum
        ObjectNode scaled = service("s", pkg, 0, false);
        ((ObjectNode) scaled.get("runtime")).putObject("autoscaler").put("minReplicas", 0).put("maxReplicas", 2);
        api.post("/services", scaled).statusCode(429).body("limit", equalTo("replicas"));

        // an update counts too, and a refused one leaves the service as it was
        ObjectNode more = Api.mapper().createObjectNode();
        more.putObject("runtime").put("replicas", 3);
        api.patch("/services/" + gpu, more).statusCode(429).body("limit", equalTo("gpu-replicas"));
        api.get("/services/" + gpu).statusCode(200).body("runtime.replicas", equalTo(2)).body("version", equalTo(1));

        // a stopped service holds no replicas; resuming it counts them again
        api.post("/services/" + gpu + "/stop", "").statusCode(200);
        api.post("/services", service("c", pkg, 3, false)).statusCode(201);
        api.post("/services/" + gpu + "/resume", "").statusCode(429)
                .body("limit", equalTo("replicas"));
        api.get("/services/" + gpu).statusCode(200).body("active", equalTo(false));

        // services: three is the limit, whatever their replicas
        api.post("/services", service("d", pkg, 0, false)).statusCode(429).body("limit", equalTo("services"));
        assertThat(services(api)).isEqualTo(3);
    }

    @Test
    void twoDeploysAtOnceCannotBothTakeTheLastPlace() {
        Api api = Api.newProject();
        String pkg = api.pushPackage("pkg");
        api.post("/services", service("one", pkg, 1, false)).statusCode(201);
        api.post("/services", service("two", pkg, 1, false)).statusCode(201);
        List<CompletableFuture<Integer>> racing = List.of("x", "y", "z").stream()
                .map(name -> CompletableFuture.supplyAsync(() -> api.post("/services", service(name, pkg, 1, false))
                        .extract().statusCode())).toList();
        assertThat(racing.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(201, 429, 429);
        assertThat(services(api)).isEqualTo(3);
    }
}
