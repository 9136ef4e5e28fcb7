package dev.runnel.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.SecurityTable;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every execution-service endpoint, called by every kind of caller, with the status each must get. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class SecurityTableTest {

    private static final Map<String, Object> ITEM = Map.of("item", "item-1");

    /** One endpoint: whether it reads or changes, its success status, and the call. */
    record Endpoint(String name, boolean write, int success, Function<RequestSpecification, Response> call) {
    }

    @Test
    void everyEndpointAnswersEveryCallerAsItShould() {
        Identities.User ownerUser = Identities.user("owner");
        String project = Identities.project(ownerUser.token());
        String ownerToken = ownerUser.token();
        Platform.Developer owner = new Platform.Developer(project, ownerToken);
        ServiceSpec spec = Platform.deploy(owner, Platform.spec(project, 1, 3600, "failed", true));
        String execution = create(owner, spec);
        String finished = create(owner, spec);
        owner.request().post("/api/v1/executions/" + finished + "/terminate").then().statusCode(200);

        Identities.User developer = Identities.user("developer");
        Identities.User annotator = Identities.user("annotator");
        Identities.addMember(ownerToken, project, developer.id(), "developer");
        Identities.addMember(ownerToken, project, annotator.id(), "annotator");
        String subject = io.restassured.path.json.JsonPath.from(new String(java.util.Base64.getUrlDecoder()
                .decode(ownerToken.split("\\.")[1]))).getString("sub");

        SecurityTable<Endpoint> table = new SecurityTable<Endpoint>()
                .badTokens(ownerToken, subject, Map.of(project, "owner"))
                .caller("member of another project", Platform.developer().token())
                .caller("annotator", annotator.token())
                .caller("developer", developer.token())
                .caller("owner", ownerToken)
                .caller("bot", Identities.defaultBotToken(ownerToken, project));

        List<Endpoint> endpoints = List.of(
                new Endpoint("POST /executions/{serviceId}", true, 201, r -> r.contentType("application/json")
                        .body(Map.of("input", ITEM)).post("/api/v1/executions/" + spec.serviceId())),
                new Endpoint("GET /executions/{id}", false, 200, r -> r.get("/api/v1/executions/" + execution)),
                new Endpoint("GET /executions", false, 200,
                        r -> r.get("/api/v1/executions?serviceId=" + spec.serviceId())),
                new Endpoint("POST /executions/{id}/terminate", true, 200,
                        r -> r.post("/api/v1/executions/" + create(owner, spec) + "/terminate")),
                new Endpoint("POST /executions/{id}/rerun", true, 201,
                        r -> r.post("/api/v1/executions/" + finished + "/rerun")),
                new Endpoint("POST /executions/{id}/progress", true, 200, r -> r.contentType("application/json")
                        .body(Map.of("percentComplete", 10)).post("/api/v1/executions/" + execution + "/progress")),
                new Endpoint("GET /executions/{id}/wait", false, 200,
                        r -> r.get("/api/v1/executions/" + execution + "/wait?timeout=0")),
                new Endpoint("GET /executions/{id}/curl", false, 200, r -> r.get("/api/v1/executions/" + execution + "/curl")),
                new Endpoint("GET /executions/{id}/logs", false, 200, r -> r.get("/api/v1/executions/" + execution + "/logs")),
                new Endpoint("POST /services/logs", false, 200, r -> r.contentType("application/json")
                        .body(Map.of("executionId", execution)).post("/api/v1/services/logs")));

        List<String> wrong = table.run(endpoints, Endpoint::name, (endpoint, token) -> {
            RequestSpecification request = given();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            Response response = endpoint.call().apply(request);
            return new SecurityTable.Answer(response.statusCode(), response.contentType(), response.asString());
        }, (endpoint, caller) -> {
            if (SecurityTable.isBadToken(caller)) {
                return 401;
            }
            return switch (caller) {
                case "member of another project" -> 404;
                case "annotator" -> endpoint.write() ? 403 : endpoint.success();
                default -> endpoint.success();
            };
        });
        assertThat(wrong).isEmpty();
    }

    private static String create(Platform.Developer owner, ServiceSpec spec) {
        return owner.request().contentType("application/json").body(Map.of("input", ITEM))
                .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(201).extract().path("id");
    }
}
