package dev.runnel.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Zips;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.SecurityTable;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Every registry endpoint, called by every kind of caller, with the status each must get: no or a
 * bad token 401; a member of another project 404 (ids do not leak); annotators read but may not
 * change (403); developers, owners and bots may do both.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class SecurityTableTest {

    enum Access { READ, WRITE }

    /** One endpoint: what it needs, how to call it, and its success status. */
    record Endpoint(String name, Access access, int success, int outsider,
                    BiFunction<RequestSpecification, Fixture, Response> call) {
    }

    /** A project with a codebase, a package and a service, and an owner to make fresh objects. */
    record Fixture(Api owner, String codebase, String packageId, String serviceId) {

        String freshPackage() {
            return owner.pushPackage("pkg-" + UUID.randomUUID().toString().substring(0, 8));
        }

        String freshService() {
            return owner.post("/services", Api.mapper().createObjectNode().put("name", unique("svc"))
                    .put("packageId", packageId)).statusCode(201).extract().path("id");
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST /codebases", Access.WRITE, 201, 404, (r, f) -> r.contentType("application/zip")
                    .body(Zips.codebase("u.txt", unique("u"))).post("/api/v1/codebases?projectId=" + f.owner().project)),
            new Endpoint("GET /codebases/{id}", Access.READ, 200, 404, (r, f) -> r.get("/api/v1/codebases/" + f.codebase())),
            new Endpoint("GET /codebases/{id}/info", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/codebases/" + f.codebase() + "/info")),
            new Endpoint("POST /packages", Access.WRITE, 201, 404, (r, f) -> {
                ObjectNode pkg = f.owner().seedPackage(f.codebase());
                pkg.put("name", unique("pkg"));
                return r.contentType("application/json").body(pkg.toString()).post("/api/v1/packages");
            }),
            new Endpoint("GET /packages", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/packages?projectId=" + f.owner().project)),
            new Endpoint("GET /packages/{id}", Access.READ, 200, 404, (r, f) -> r.get("/api/v1/packages/" + f.packageId())),
            new Endpoint("PATCH /packages/{id}", Access.WRITE, 200, 404, (r, f) -> r.contentType("application/json")
                    .body("{\"description\": \"x\"}").patch("/api/v1/packages/" + f.packageId())),
            new Endpoint("DELETE /packages/{id}", Access.WRITE, 204, 404,
                    (r, f) -> r.delete("/api/v1/packages/" + f.freshPackage())),
            new Endpoint("GET /packages/{id}/revisions", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/packages/" + f.packageId() + "/revisions")),
            new Endpoint("GET /packages/{id}/revisions/{n}", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/packages/" + f.packageId() + "/revisions/1")),
            // a package the caller may not see is refused like one that does not exist: 400 on packageId
            new Endpoint("POST /services", Access.WRITE, 201, 400, (r, f) -> r.contentType("application/json")
                    .body(Api.mapper().createObjectNode().put("name", unique("svc")).put("packageId", f.packageId())
                            .toString()).post("/api/v1/services")),
            new Endpoint("GET /services", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/services?projectId=" + f.owner().project)),
            new Endpoint("GET /services/{id}", Access.READ, 200, 404, (r, f) -> r.get("/api/v1/services/" + f.serviceId())),
            new Endpoint("PATCH /services/{id}", Access.WRITE, 200, 404, (r, f) -> r.contentType("application/json")
                    .body("{\"runtime\": {\"replicas\": " + (1 + (int) (Math.random() * 50)) + "}}")
                    .patch("/api/v1/services/" + f.serviceId())),
            new Endpoint("DELETE /services/{id}", Access.WRITE, 204, 404,
                    (r, f) -> r.delete("/api/v1/services/" + f.freshService())),
            new Endpoint("GET /services/{id}/revisions", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/services/" + f.serviceId() + "/revisions")),
            new Endpoint("GET /services/{id}/revisions/{v}", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/services/" + f.serviceId() + "/revisions/1")),
            new Endpoint("POST /services/{id}/revisions/{v}/restore", Access.WRITE, 200, 404,
                    (r, f) -> r.post("/api/v1/services/" + f.serviceId() + "/revisions/1/restore")),
            new Endpoint("POST /services/{id}/stop", Access.WRITE, 200, 404,
                    (r, f) -> r.post("/api/v1/services/" + f.serviceId() + "/stop")),
            new Endpoint("POST /services/{id}/resume", Access.WRITE, 200, 404,
                    (r, f) -> r.post("/api/v1/services/" + f.serviceId() + "/resume")),
            new Endpoint("GET /services/{id}/status", Access.READ, 200, 404,
                    (r, f) -> r.get("/api/v1/services/" + f.serviceId() + "/status")));

    @Test
    void everyEndpointAnswersEveryCallerAsItShould() {
        Api owner = Api.newProject();
        String codebase = owner.codebase();
        String packageId = owner.post("/packages", owner.seedPackage(codebase)).statusCode(201).extract().path("id");
        String serviceId = owner.post("/services", Api.mapper().createObjectNode().put("name", "svc")
                .put("packageId", packageId)).statusCode(201).extract().path("id");
        Fixture fixture = new Fixture(owner, codebase, packageId, serviceId);

        Identities.User developer = Identities.user("developer");
        Identities.User annotator = Identities.user("annotator");
        Identities.addMember(owner.token, owner.project, developer.id(), "developer");
        Identities.addMember(owner.token, owner.project, annotator.id(), "annotator");
        Api outsider = Api.newProject();
        String ownerToken = Identities.token(ownerKeyOf(owner));

        SecurityTable<Endpoint> table = new SecurityTable<Endpoint>()
                .badTokens(ownerToken, subjectOf(ownerToken), Map.of(owner.project, "owner"))
                .caller("garbage", "not.a.jwt")
                .caller("member of another project", outsider.token)
                .caller("annotator", annotator.token())
                .caller("developer", developer.token())
                .caller("owner", ownerToken)
                .caller("bot", Identities.defaultBotToken(ownerToken, owner.project));

        List<String> wrong = table.run(ENDPOINTS, Endpoint::name, (endpoint, token) -> {
            RequestSpecification request = given();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            Response response = endpoint.call().apply(request, fixture);
            return new SecurityTable.Answer(response.statusCode(), response.contentType(), response.asString());
        }, SecurityTableTest::expected);
        assertThat(wrong).isEmpty();
    }

    private static int expected(Endpoint endpoint, String caller) {
        return switch (caller) {
            case "no token", "expired token", "tampered token", "alg none", "HMAC with the public key", "garbage" -> 401;
            case "member of another project" -> endpoint.outsider();
            case "annotator" -> endpoint.access() == Access.READ ? endpoint.success() : 403;
            default -> endpoint.success();
        };
    }

    private static String ownerKeyOf(Api owner) {
        // a second key of the owner, so that the owner's token is fresh and names the project
        return Identities.call("POST", "/users/me/apikeys", owner.token, Map.of("name", "table"), 201).get("key").asText();
    }

    private static String subjectOf(String token) {
        try {
            return Api.mapper().readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("sub").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
