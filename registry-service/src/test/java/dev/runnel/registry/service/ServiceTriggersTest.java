package dev.runnel.registry.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.WithTriggerService;
import dev.runnel.testsupport.Eventually;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code triggers} of a service JSON (the seed's Trigger JSON), with a real trigger-service. */
@QuarkusTest
@WithTestResource(WithTriggerService.class)
class ServiceTriggersTest {

    private static ObjectNode service(Api api, String name, String packageId) {
        ObjectNode service = Api.mapper().createObjectNode().put("name", name).put("packageId", packageId);
        ArrayNode triggers = service.putArray("triggers");
        ObjectNode trigger = triggers.addObject().put("name", "trigger-name").put("resource", "Item")
                .put("active", true).put("function", "run").put("executionMode", "Once");
        trigger.putArray("actions").add("Created");
        ArrayNode and = trigger.putObject("filter").putArray("$and");
        and.addObject().put("dir", "/train");
        and.addObject().put("hidden", false);
        and.addObject().put("type", "file");
        return service;
    }

    @Test
    void aDeployWithTriggersCreatesThemAndABadTriggerCreatesNothing() {
        Api api = Api.newProject();
        String packageId = api.pushPackage("pkg");

        ObjectNode bad = service(api, "bad", packageId);
        ((ObjectNode) bad.get("triggers").get(0)).put("resource", "Spaceship");
        api.post("/services", bad).statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("triggers[0].resource"));
        ObjectNode wrongFunction = service(api, "wrong", packageId);
        ((ObjectNode) wrongFunction.get("triggers").get(0)).put("function", "nope");
        api.post("/services", wrongFunction).statusCode(400).body("field", equalTo("triggers[0].function"));
        api.get("/services?projectId=" + api.project).statusCode(200).body("totalItemsCount", equalTo(0));

        String id = api.post("/services", service(api, "good", packageId)).statusCode(201)
                .body("triggers[0].name", equalTo("trigger-name")).extract().path("id");
        JsonPath triggers = triggersOf(api, id, 1);
        assertThat(triggers.getString("items[0].name")).isEqualTo("trigger-name");
        assertThat(triggers.getString("items[0].spec.filter.$and[0].dir")).isEqualTo("/train");
        assertThat(triggers.getList("items[0].spec.actions")).isEqualTo(List.of("Created"));

        // a trigger made by hand holds its name: the service JSON may not take it, and nothing changes
        String byHand = given().baseUri(WithTriggerService.triggerServiceUrl()).header("Authorization", "Bearer " + api.token)
                .contentType("application/json").body("{\"type\": \"Cron\", \"name\": \"nightly\", \"spec\": {\"cron\":"
                        + " \"0 2 * * *\", \"operation\": {\"serviceId\": \"" + id + "\", \"functionName\": \"run\"}}}")
                .post("/api/v1/triggers").then().statusCode(201).extract().path("id");
        ObjectNode clash = service(api, "good", packageId);
        ((ObjectNode) clash.get("triggers").get(0)).put("name", "nightly");
        clash.remove("name");
        clash.remove("packageId");
        api.patch("/services/" + id, clash).statusCode(400).body("field", equalTo("triggers[0].name"));
        api.get("/services/" + id).statusCode(200).body("version", equalTo(1));
        given().baseUri(WithTriggerService.triggerServiceUrl()).header("Authorization", "Bearer " + api.token)
                .delete("/api/v1/triggers/" + byHand).then().statusCode(204);

        // a new version without the trigger drops it
        ObjectNode none = Api.mapper().createObjectNode();
        none.putArray("triggers");
        api.patch("/services/" + id, none).statusCode(200).body("version", equalTo(2));
        triggersOf(api, id, 0);
    }

    private static JsonPath triggersOf(Api api, String serviceId, int count) {
        return Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(200), count + " triggers of " + serviceId,
                () -> given().baseUri(WithTriggerService.triggerServiceUrl()).header("Authorization", "Bearer "
                        + api.token).get("/api/v1/triggers?serviceId=" + serviceId).then().extract().jsonPath(),
                page -> page.get("totalItemsCount") != null && page.getInt("totalItemsCount") == count);
    }
}
