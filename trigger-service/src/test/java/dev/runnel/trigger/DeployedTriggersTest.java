package dev.runnel.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The triggers of a service JSON: checked before a deploy, then kept in step with the service's spec. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class DeployedTriggersTest {

    static List<JsonNode> json(String text) {
        try {
            return List.of(Json.mapper().readValue(text.replace('\'', '"'), JsonNode[].class));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ServiceSpec withTriggers(ServiceSpec s, int version, boolean active, List<JsonNode> triggers) {
        return new ServiceSpec("e" + version, s.serviceId(), s.projectId(), s.name(), version, active, s.packageId(),
                s.packageName(), s.packageRevision(), s.codebase(), s.module(), s.initParams(), s.runtime(),
                s.maxAttempts(), s.executionTimeout(), s.onReset(), s.drainTime(), s.botUserName(), Instant.now(),
                triggers);
    }

    static JsonPath triggersOf(World.Developer dev, ServiceSpec service, int count) {
        return Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(200), count + " triggers",
                () -> dev.request().get("/api/v1/triggers?serviceId=" + service.serviceId()).then().statusCode(200)
                        .extract().jsonPath(), page -> page.getInt("totalItemsCount") == count);
    }

    @Test
    void theTriggersOfAServiceJsonAreCheckedBeforeTheDeploy() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        Map<String, Object> good = Map.of("projectId", dev.project(), "module", service.module(), "triggers",
                json("[{'name': 'inputs', 'filter': {'$and': [{'dir': '/train'}, {'hidden': false}]}, 'resource': 'Item',"
                        + " 'actions': ['Created'], 'active': true, 'function': 'run', 'executionMode': 'Once'},"
                        + " {'name': 'nightly', 'type': 'Cron', 'cron': '0 5 * * *', 'function': 'tick'}]"));
        dev.request().body(good).post("/api/v1/triggers/check").then().statusCode(204);
        dev.request().body(Map.of("projectId", dev.project(), "module", service.module(), "triggers",
                json("[{'name': 'a', 'resource': 'Item', 'actions': ['Created']}, {'name': 'b', 'resource': 'Ship',"
                        + " 'actions': ['Created']}]"))).post("/api/v1/triggers/check").then().statusCode(400)
                .body("field", equalTo("triggers[1].resource"));
        dev.request().body(Map.of("projectId", dev.project(), "module", service.module(), "triggers",
                json("[{'name': 'a', 'resource': 'Dataset', 'actions': ['Created'], 'function': 'run'}]")))
                .post("/api/v1/triggers/check").then().statusCode(400).body("field", equalTo("triggers[0].function"));
        dev.request().body(Map.of("projectId", dev.project(), "module", service.module(), "triggers",
                json("[{'name': 'a', 'resource': 'Item', 'actions': ['Created']}, {'name': 'a', 'resource': 'Item',"
                        + " 'actions': ['Updated']}]"))).post("/api/v1/triggers/check").then().statusCode(400)
                .body("field", equalTo("triggers[1].name"));
        World.developer().request().body(good).post("/api/v1/triggers/check").then().statusCode(404);
    }

    @Test
    void eachVersionOfTheSpecCreatesChangesAndDropsItsTriggers() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        List<JsonNode> v2 = json("[{'name': 'inputs', 'filter': {'dir': '/input'}, 'resource': 'Item',"
                + " 'actions': ['Created'], 'function': 'run'}, {'name': 'datasets', 'resource': 'Dataset',"
                + " 'actions': ['Updated'], 'function': 'onDataset'}]");
        World.publishSpec(withTriggers(service, 2, true, v2));
        JsonPath two = triggersOf(dev, service, 2);
        assertThat(two.getList("items.name")).containsExactlyInAnyOrder("inputs", "datasets");

        // a trigger made by hand stays; the JSON's changes and drops apply to the JSON's own
        World.eventTrigger(dev, service, "run", "Item", List.of("Deleted"), "Once", null);
        List<JsonNode> v3 = json("[{'name': 'inputs', 'filter': {'dir': '/other'}, 'resource': 'Item',"
                + " 'actions': ['Created'], 'function': 'run', 'active': false}]");
        World.publishSpec(withTriggers(service, 3, true, v3));
        JsonPath three = triggersOf(dev, service, 2);
        assertThat(three.getList("items.name")).doesNotContain("datasets").contains("inputs");
        JsonPath changed = Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(200), "the changed trigger",
                () -> dev.request().get("/api/v1/triggers?serviceId=" + service.serviceId()).then().extract()
                        .jsonPath(), page -> "/other".equals(page.getString(
                                "items.find { it.name == 'inputs' }.spec.filter.dir")));
        assertThat(changed.getBoolean("items.find { it.name == 'inputs' }.active")).isFalse();

        // the service deleted: every trigger of it goes
        World.send(new ProducerRecord<>(Topics.SERVICE_SPECS, service.serviceId(), null));
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(200), "every trigger of the deleted service to go",
                () -> dev.request().get("/api/v1/triggers?projectId=" + dev.project()).then().statusCode(200)
                        .extract().<Integer>path("totalItemsCount") == 0);
    }
}
