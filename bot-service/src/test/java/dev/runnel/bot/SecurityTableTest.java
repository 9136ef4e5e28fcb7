package dev.runnel.bot;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.SecurityTable;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every bot-service endpoint, called by every kind of caller, with the status each must get. */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
class SecurityTableTest {

    /** Who may call an endpoint. */
    enum Access { PUBLIC, ANY, PERSON, MEMBER, WRITER, PERSON_WRITER, OWNER, ADMIN, OPERATOR }

    /** The world the calls run in: a project with an owner, a spare member and a bot. */
    record Fixture(String project, String ownerToken, String memberId, String botId) {

        String freshMember() {
            Calls.NewUser user = Calls.user("spare");
            Calls.addMember(ownerToken, project, user.id(), "annotator");
            return user.id();
        }

        String freshBot() {
            return Calls.as(ownerToken).body(Map.of("name", "b" + UUID.randomUUID().toString().substring(0, 8)))
                    .post("/api/v1/projects/" + project + "/bots").then().statusCode(201).extract().path("id");
        }
    }

    /** A call: the request (with the caller's token set), the fixture, and the caller's token itself. */
    interface Call {
        Response call(RequestSpecification request, Fixture fixture, String token);
    }

    record Endpoint(String name, Access access, int success, Call call) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST /token", Access.PUBLIC, 200, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("apiKey", Calls.fileKey("admin.key"))).post("/api/v1/token")),
            new Endpoint("GET /.well-known/jwks.json", Access.PUBLIC, 200, (r, f, t) -> r.get("/api/v1/.well-known/jwks.json")),
            new Endpoint("POST /keys/rotate", Access.ADMIN, 200, (r, f, t) -> r.post("/api/v1/keys/rotate")),
            new Endpoint("POST /users", Access.ADMIN, 201, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("username", "u-" + UUID.randomUUID())).post("/api/v1/users")),
            new Endpoint("GET /users/me", Access.ANY, 200, (r, f, t) -> r.get("/api/v1/users/me")),
            new Endpoint("GET /users/me/apikeys", Access.ANY, 200, (r, f, t) -> r.get("/api/v1/users/me/apikeys")),
            new Endpoint("POST /users/me/apikeys", Access.PERSON, 201, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("name", "k")).post("/api/v1/users/me/apikeys")),
            new Endpoint("DELETE /users/me/apikeys/{id}", Access.ANY, 204, (r, f, t) -> r.delete(
                    "/api/v1/users/me/apikeys/" + ownKey(t))),
            new Endpoint("POST /projects", Access.PERSON, 201, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("name", "p")).post("/api/v1/projects")),
            new Endpoint("GET /projects", Access.ANY, 200, (r, f, t) -> r.get("/api/v1/projects")),
            new Endpoint("GET /projects/{pid}", Access.MEMBER, 200, (r, f, t) -> r.get("/api/v1/projects/" + f.project())),
            new Endpoint("GET /projects/{pid}/members", Access.MEMBER, 200,
                    (r, f, t) -> r.get("/api/v1/projects/" + f.project() + "/members")),
            new Endpoint("GET /projects/{pid}/members/{user}", Access.MEMBER, 200,
                    (r, f, t) -> r.get("/api/v1/projects/" + f.project() + "/members/" + f.memberId())),
            new Endpoint("POST /projects/{pid}/members", Access.OWNER, 201, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("userId", Calls.user("new").id(), "role", "annotator"))
                    .post("/api/v1/projects/" + f.project() + "/members")),
            new Endpoint("PATCH /projects/{pid}/members/{user}", Access.OWNER, 200, (r, f, t) -> r
                    .contentType("application/json").body(Map.of("role", "annotator"))
                    .patch("/api/v1/projects/" + f.project() + "/members/" + f.memberId())),
            new Endpoint("DELETE /projects/{pid}/members/{user}", Access.OWNER, 204,
                    (r, f, t) -> r.delete("/api/v1/projects/" + f.project() + "/members/" + f.freshMember())),
            new Endpoint("GET /projects/{pid}/bots", Access.MEMBER, 200,
                    (r, f, t) -> r.get("/api/v1/projects/" + f.project() + "/bots")),
            new Endpoint("POST /projects/{pid}/bots", Access.PERSON_WRITER, 201, (r, f, t) -> r.contentType("application/json")
                    .body(Map.of("name", "b" + UUID.randomUUID().toString().substring(0, 8)))
                    .post("/api/v1/projects/" + f.project() + "/bots")),
            new Endpoint("PUT /projects/{pid}/bots/default", Access.WRITER, 200,
                    (r, f, t) -> r.put("/api/v1/projects/" + f.project() + "/bots/default")),
            new Endpoint("GET /projects/{pid}/bots/{bot}", Access.MEMBER, 200,
                    (r, f, t) -> r.get("/api/v1/projects/" + f.project() + "/bots/" + f.botId())),
            new Endpoint("DELETE /projects/{pid}/bots/{bot}", Access.PERSON_WRITER, 204,
                    (r, f, t) -> r.delete("/api/v1/projects/" + f.project() + "/bots/" + f.freshBot())),
            new Endpoint("POST /bots/{bot}/credentials", Access.OPERATOR, 201,
                    (r, f, t) -> r.post("/api/v1/bots/" + f.botId() + "/credentials")),
            new Endpoint("DELETE /bindings/{service}", Access.OPERATOR, 204,
                    (r, f, t) -> r.delete("/api/v1/bindings/some-service")));

    /**
     * A key of the caller's own to revoke: a new one, or for a bot (which may not make keys) the one
     * it has; any id for callers whose token is refused anyway.
     */
    private static String ownKey(String token) {
        Response created = Calls.as(token == null ? "x" : token).body(Map.of("name", "doomed"))
                .post("/api/v1/users/me/apikeys");
        if (created.statusCode() == 201) {
            return created.path("id");
        }
        Response keys = Calls.as(token == null ? "x" : token).get("/api/v1/users/me/apikeys");
        List<String> ids = keys.statusCode() == 200 ? keys.path("id") : List.of();
        return ids.isEmpty() ? "some-key" : ids.get(0);
    }

    @Test
    void everyEndpointAnswersEveryCallerAsItShould() {
        Calls.NewUser owner = Calls.user("owner");
        String project = Calls.project(owner.token());
        Calls.NewUser developer = Calls.user("developer");
        Calls.NewUser annotator = Calls.user("annotator");
        Calls.NewUser target = Calls.user("target");
        Calls.addMember(owner.token(), project, developer.id(), "developer");
        Calls.addMember(owner.token(), project, annotator.id(), "annotator");
        Calls.addMember(owner.token(), project, target.id(), "annotator");
        String ownerToken = owner.token();
        String botCredential = Calls.as(ownerToken).body(Map.of("name", "table-bot"))
                .post("/api/v1/projects/" + project + "/bots").then().statusCode(201).extract().path("credential");
        String botId = Calls.as(ownerToken).get("/api/v1/projects/" + project + "/bots/table-bot").then()
                .statusCode(200).extract().path("id");
        Fixture fixture = new Fixture(project, ownerToken, target.id(), botId);
        Calls.NewUser outsider = Calls.user("outsider");
        Calls.project(outsider.token());

        SecurityTable<Endpoint> table = new SecurityTable<Endpoint>()
                .badTokens(ownerToken, owner.id(), Map.of(project, "owner"))
                .caller("member of another project", outsider.token())
                .caller("annotator", annotator.token())
                .caller("developer", developer.token())
                .caller("owner", ownerToken)
                .caller("bot", Calls.token(botCredential))
                .caller("admin", Calls.adminToken())
                .caller("operator", Calls.token(Calls.fileKey("operator.key")));

        List<String> wrong = table.run(ENDPOINTS, Endpoint::name, (endpoint, token) -> {
            RequestSpecification request = given();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            Response response = endpoint.call().call(request, fixture, token);
            return new SecurityTable.Answer(response.statusCode(), response.contentType(), response.asString());
        }, SecurityTableTest::expected);
        assertThat(wrong).isEmpty();
    }

    private static int expected(Endpoint endpoint, String caller) {
        Access access = endpoint.access();
        if (access == Access.PUBLIC) {
            return endpoint.success();
        }
        if (SecurityTable.isBadToken(caller)) {
            return 401;
        }
        boolean member = switch (caller) {
            case "annotator", "developer", "owner", "bot" -> true;
            default -> false;
        };
        boolean bot = caller.equals("bot");
        return switch (access) {
            case ANY -> endpoint.success();
            case PERSON -> bot ? 403 : endpoint.success();
            case PERSON_WRITER -> !member ? 404 : caller.equals("annotator") || bot ? 403 : endpoint.success();
            case ADMIN -> caller.equals("admin") ? endpoint.success() : 403;
            case OPERATOR -> caller.equals("operator") ? endpoint.success() : 403;
            case MEMBER -> member ? endpoint.success() : 404;
            case WRITER -> !member ? 404 : caller.equals("annotator") ? 403 : endpoint.success();
            case OWNER -> !member ? 404 : caller.equals("owner") ? endpoint.success() : 403;
            default -> throw new IllegalStateException();
        };
    }
}
