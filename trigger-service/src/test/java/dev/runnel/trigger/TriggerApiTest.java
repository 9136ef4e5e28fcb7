package dev.runnel.trigger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The REST surface: validation answers 4xx problems naming the field, access follows projects. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class TriggerApiTest {

    private static World.Developer dev;
    private static ServiceSpec service;

    private static synchronized void world() {
        if (dev == null) {
            dev = World.developer();
            service = World.service(dev, true);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'type':'Webhook','name':'x','spec':{}}                                                  | type",
        "{'type':'Event','spec':{'resource':'Item','actions':['Created'],'operation':{'serviceId':'SVC'}}} | name",
        "{'type':'Event','name':'x','spec':{'resource':'Spaceship','actions':['Created'],'operation':{'serviceId':'SVC'}}} | spec.resource",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Exploded'],'operation':{'serviceId':'SVC'}}} | spec.actions",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':[],'operation':{'serviceId':'SVC'}}}        | spec.actions",
        "{'type':'Event','name':'x','spec':{'resource':'Task','actions':['Updated'],'executionMode':'Always','operation':{'serviceId':'SVC','functionName':'onTask'}}} | spec.executionMode",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'executionMode':'Always','operation':{'serviceId':'SVC'}}} | spec.executionMode",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'executionMode':'Sometimes','operation':{'serviceId':'SVC'}}} | spec.executionMode",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'operation':{'serviceId':'SVC','functionName':'nope'}}} | spec.operation.functionName",
        "{'type':'Event','name':'x','spec':{'resource':'Dataset','actions':['Created'],'operation':{'serviceId':'SVC','functionName':'run'}}} | spec.operation.functionName",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'filter':{'$and':[{'a':1},{'b':{'$gt':true}}]},'operation':{'serviceId':'SVC'}}} | spec.filter.$and[1].b.$gt",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'colour':'red','operation':{'serviceId':'SVC'}}} | spec.colour",
        "{'type':'Cron','name':'x','spec':{'cron':'* * *','operation':{'serviceId':'SVC','functionName':'tick'}}} | spec.cron",
        "{'type':'Cron','name':'x','spec':{'cron':'61 * * * *','operation':{'serviceId':'SVC','functionName':'tick'}}} | spec.cron",
        "{'type':'Cron','name':'x','spec':{'cron':'0 * * * *','startAt':'2030-01-02T00:00:00Z','endAt':'2030-01-01T00:00:00Z','operation':{'serviceId':'SVC','functionName':'tick'}}} | spec.endAt",
        "{'type':'Cron','name':'x','spec':{'cron':'0 * * * *','timeZone':'Mars/Olympus','operation':{'serviceId':'SVC','functionName':'tick'}}} | spec.timeZone",
        "{'type':'Cron','name':'x','spec':{'cron':'0 * * * *','startAt':'soon','operation':{'serviceId':'SVC','functionName':'tick'}}} | spec.startAt",
        "{'type':'Event','name':'x','spec':{'resource':'Item','actions':['Created'],'input':[1],'operation':{'serviceId':'SVC'}}} | spec.input",
    })
    void badTriggersAreRefusedNamingTheField(String body, String field) {
        world();
        dev.request().body(body.replace('\'', '"').replace("SVC", service.serviceId())).post("/api/v1/triggers")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo(field));
    }

    @Test
    void malformedJsonUnknownServicesOtherProjectsAndMissingTokens() {
        world();
        dev.request().body("{\"type\": ").post("/api/v1/triggers").then().statusCode(400)
                .contentType("application/problem+json");
        String body = "{\"type\":\"Event\",\"name\":\"n\",\"spec\":{\"resource\":\"Item\",\"actions\":[\"Created\"],"
                + "\"operation\":{\"serviceId\":\"SVC\"}}}";
        dev.request().body(body.replace("SVC", "no-such-service")).post("/api/v1/triggers").then().statusCode(404);
        World.Developer stranger = World.developer();
        stranger.request().body(body.replace("SVC", service.serviceId())).post("/api/v1/triggers").then()
                .statusCode(404);
        given().contentType("application/json").body(body.replace("SVC", service.serviceId()))
                .post("/api/v1/triggers").then().statusCode(401);
        String id = dev.request().body(body.replace("SVC", service.serviceId())).post("/api/v1/triggers").then()
                .statusCode(201).extract().path("id");
        dev.request().body(body.replace("SVC", service.serviceId())).post("/api/v1/triggers").then().statusCode(409)
                .body("detail", containsString("already has a trigger named"));
        stranger.request().get("/api/v1/triggers/" + id).then().statusCode(404);
        stranger.request().delete("/api/v1/triggers/" + id).then().statusCode(404);
        dev.request().get("/api/v1/triggers?serviceId=" + service.serviceId()).then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(id));
        dev.request().body(Map.of("spec", Map.of("executionMode", "Sometimes"))).patch("/api/v1/triggers/" + id)
                .then().statusCode(400).body("field", equalTo("spec.executionMode"));
        dev.request().body(Map.of("name", "renamed", "spec", Map.of("filter", Map.of("dir", "/x"))))
                .patch("/api/v1/triggers/" + id).then().statusCode(200).body("name", equalTo("renamed"))
                .body("spec.filter.dir", equalTo("/x"));
        dev.request().delete("/api/v1/triggers/" + id).then().statusCode(204);
        dev.request().get("/api/v1/triggers/" + id).then().statusCode(404);
    }

    @Test
    void queryFaasListsWithADqlFilterInTheCallersProjectsOnly() {
        world();
        String datasets = World.eventTrigger(dev, service, "onDataset", "Dataset", List.of("Updated"), "Once", null);
        World.eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Always", Map.of("dir", "/q"));
        World.Developer stranger = World.developer();
        ServiceSpec strangers = World.service(stranger, true);
        World.eventTrigger(stranger, strangers, "onDataset", "Dataset", List.of("Updated"), "Once", null);

        dev.request().body(Map.of("resource", "triggers", "filter", Map.of("$and", List.of(
                Map.of("spec.resource", "Dataset"), Map.of("spec.actions", "Updated"),
                Map.of("serviceId", service.serviceId())))))
                .post("/api/v1/query/faas").then().statusCode(200).body("totalItemsCount", equalTo(1))
                .body("items[0].id", equalTo(datasets));
        dev.request().body(Map.of("resource", "triggers", "filter", Map.of("spec.filter.dir", "/q",
                "spec.executionMode", "Always"), "sort", Map.of("createdAt", "ascending")))
                .post("/api/v1/query/faas").then().statusCode(200).body("items.spec.filter.dir",
                        org.hamcrest.Matchers.everyItem(equalTo("/q")));
        stranger.request().body(Map.of("resource", "triggers", "filter", Map.of("serviceId", service.serviceId())))
                .post("/api/v1/query/faas").then().statusCode(200).body("totalItemsCount", equalTo(0));
        dev.request().body(Map.of("resource", "triggers", "filter", Map.of("spec.resource", Map.of("$gt", true))))
                .post("/api/v1/query/faas").then().statusCode(400).body("field", equalTo("filter.spec.resource.$gt"));
        dev.request().body(Map.of("resource", "executions", "filter", Map.of())).post("/api/v1/query/faas").then()
                .statusCode(400).body("field", equalTo("resource"));
        dev.request().body(Map.of("resource", "triggers", "sort", Map.of("colour!", "ascending")))
                .post("/api/v1/query/faas").then().statusCode(400).body("field", equalTo("sort.colour!"));
        dev.request().body(Map.of("resource", "triggers", "sort", Map.of("name", "sideways")))
                .post("/api/v1/query/faas").then().statusCode(400).body("field", equalTo("sort.name"));
        // any field of the JSON sorts, by its path (a service of its own: other tests add to the shared one)
        ServiceSpec sorted = World.service(dev, true);
        World.eventTrigger(dev, sorted, "onDataset", "Dataset", List.of("Updated"), "Once", null);
        World.eventTrigger(dev, sorted, "run", "Item", List.of("Updated"), "Once", null);
        for (String direction : List.of("ascending", "descending")) {
            List<String> names = dev.request().body(Map.of("resource", "triggers", "filter",
                    Map.of("serviceId", sorted.serviceId()), "sort", Map.of("name", direction)))
                    .post("/api/v1/query/faas").then().statusCode(200).extract().path("items.name");
            assertThat(names).hasSize(2).isSortedAccordingTo(direction.equals("ascending")
                    ? java.util.Comparator.<String>naturalOrder() : java.util.Comparator.<String>reverseOrder());
        }
        List<String> bySpec = dev.request().body(Map.of("resource", "triggers", "filter",
                Map.of("serviceId", sorted.serviceId()), "sort", Map.of("spec.resource", "descending")))
                .post("/api/v1/query/faas").then().statusCode(200).extract().path("items.spec.resource");
        assertThat(bySpec).containsExactly("Item", "Dataset");
        List<String> byFunction = dev.request().body(Map.of("resource", "triggers", "filter",
                Map.of("serviceId", sorted.serviceId()), "sort", Map.of("spec.operation.functionName", "ascending")))
                .post("/api/v1/query/faas").then().statusCode(200).extract().path("items.spec.operation.functionName");
        assertThat(byFunction).containsExactly("onDataset", "run");
    }

    @Test
    void eventsOverHttpArePublishedForTheCallersProjectsOnly() {
        world();
        String trigger = World.eventTrigger(dev, service, "onDataset", "Dataset", List.of("Deleted"), "Once", null);
        String event = "{\"specversion\":\"1.0\",\"id\":\"http-1\",\"source\":\"/crm\",\"type\":\"Dataset.Deleted\","
                + "\"subject\":\"ds-http\",\"projectid\":\"" + dev.project() + "\",\"data\":{\"id\":\"ds-http\"}}";
        dev.request().body(event).post("/api/v1/events").then().statusCode(202).body("id", equalTo("http-1"));
        World.Developer stranger = World.developer();
        stranger.request().body(event).post("/api/v1/events").then().statusCode(404);
        given().contentType("application/json").body(event).post("/api/v1/events").then().statusCode(401);
        dev.request().body(event.replace("Dataset.Deleted", "Dataset.Exploded")).post("/api/v1/events").then()
                .statusCode(400).contentType("application/problem+json");
        dev.request().body("[]").post("/api/v1/events").then().statusCode(400);
        List<com.fasterxml.jackson.databind.JsonNode> requests = World.requests(service,
                r -> r.stream().anyMatch(x -> x.path("triggerId").asText().equals(trigger)),
                java.time.Duration.ofSeconds(20));
        com.fasterxml.jackson.databind.JsonNode fired = requests.stream()
                .filter(x -> x.path("triggerId").asText().equals(trigger)).findFirst().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(fired.path("event").path("actorId").asText())
                .as("the caller is the actor").startsWith("dev-");
    }
}
