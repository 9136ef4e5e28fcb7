package dev.runnel.bot;

import static dev.runnel.bot.Calls.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.runnel.contracts.BotEvent;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
class IdentityTest {

    @Test
    void firstStartWritesAnOwnerOnlyAdminKeyThatWorks() throws Exception {
        var file = RunnelInfrastructure.home().resolve("admin.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String token = Calls.adminToken();
        as(token).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo("admin"))
                .body("admin", equalTo(true));
        Map<String, Object> claims = Calls.claims(token);
        assertThat(claims.get("exp")).isNotNull();
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue()).isEqualTo(900);
    }

    @Test
    void projectsMembersAndRoles() {
        Calls.NewUser alice = Calls.user("alice");
        Calls.NewUser bob = Calls.user("bob");
        String aliceToken = alice.token();
        String project = Calls.project(aliceToken);
        as(aliceToken).get("/api/v1/projects").then().statusCode(200).body("id", hasItem(project));
        as(aliceToken).get("/api/v1/projects/" + project).then().statusCode(200).body("role", equalTo("owner"));

        // another project's object answers 404, not 403
        as(bob.token()).get("/api/v1/projects/" + project).then().statusCode(404).contentType("application/problem+json");
        as(bob.token()).get("/api/v1/projects").then().statusCode(200).body("id", not(hasItem(project)));

        Calls.addMember(aliceToken, project, bob.username(), "annotator");
        as(bob.token()).get("/api/v1/projects/" + project).then().statusCode(200).body("role", equalTo("annotator"));
        as(bob.token()).body(Map.of("name", "b1")).post("/api/v1/projects/" + project + "/bots").then()
                .statusCode(403).contentType("application/problem+json");
        as(bob.token()).body(Map.of("userId", alice.id(), "role", "annotator"))
                .post("/api/v1/projects/" + project + "/members").then().statusCode(403);

        as(aliceToken).body(Map.of("role", "developer")).patch("/api/v1/projects/" + project + "/members/" + bob.id())
                .then().statusCode(200).body("role", equalTo("developer"));
        // the role is read from the database at once; the token's claims follow on the next token
        as(bob.token()).get("/api/v1/users/me").then().body("projects." + project, equalTo("developer"));

        // bad input
        as(aliceToken).body(Map.of("userId", bob.id(), "role", "developer"))
                .post("/api/v1/projects/" + project + "/members").then().statusCode(409);
        as(aliceToken).body(Map.of("role", "king")).patch("/api/v1/projects/" + project + "/members/" + bob.id())
                .then().statusCode(400).body("field", equalTo("role"));
        as(aliceToken).body(Map.of("userId", "nobody-at-all", "role", "developer"))
                .post("/api/v1/projects/" + project + "/members").then().statusCode(400).body("field", equalTo("userId"));
        as(aliceToken).body(Map.of("role", "developer")).patch("/api/v1/projects/" + project + "/members/" + alice.id())
                .then().statusCode(409).body("message", containsString("owner"));
        as(aliceToken).delete("/api/v1/projects/" + project + "/members/" + alice.id()).then().statusCode(409);
        as(aliceToken).body("{\"role\": ").patch("/api/v1/projects/" + project + "/members/" + bob.id())
                .then().statusCode(400).contentType("application/problem+json");

        as(aliceToken).delete("/api/v1/projects/" + project + "/members/" + bob.id()).then().statusCode(204);
        as(bob.token()).get("/api/v1/projects/" + project).then().statusCode(404);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnce() {
        Calls.NewUser carol = Calls.user("carol");
        String token = carol.token();
        var created = as(token).body(Map.of("name", "ci")).post("/api/v1/users/me/apikeys").then().statusCode(201)
                .extract();
        String key = created.path("key");
        Calls.exchange(key).statusCode(200);
        as(token).get("/api/v1/users/me/apikeys").then().statusCode(200).body("name", hasItem("ci"))
                .body("key", everyItemNull());
        as(token).delete("/api/v1/users/me/apikeys/" + created.path("id")).then().statusCode(204);
        Calls.exchange(key).statusCode(401).contentType("application/problem+json")
                .body("message", containsString("revoked"));
        Calls.exchange(carol.apiKey()).statusCode(200);
        Calls.exchange("rnl_nothing_here").statusCode(401);
        Calls.exchange("garbage").statusCode(401);
        given().contentType("application/json").body("{}").post("/api/v1/token").then().statusCode(400)
                .body("field", equalTo("apiKey"));
    }

    private static org.hamcrest.Matcher<Iterable<? extends Object>> everyItemNull() {
        return org.hamcrest.Matchers.everyItem(nullValue());
    }

    @Test
    void botsAreDevelopersTheirCredentialIsRevokedWhenTheyAreDemoted() throws Exception {
        Calls.NewUser dora = Calls.user("dora");
        String owner = dora.token();
        String project = Calls.project(owner);
        var bot = as(owner).body(Map.of("name", "tagger", "returnCredentials", true))
                .post("/api/v1/projects/" + project + "/bots").then().statusCode(201)
                .body("userName", equalTo("bot.tagger@" + project)).extract();
        String credential = bot.path("credential");
        String botId = bot.path("id");
        as(owner).get("/api/v1/projects/" + project + "/bots").then().statusCode(200).body("$", hasSize(1))
                .body("[0].credential", nullValue());
        as(owner).get("/api/v1/projects/" + project + "/members/bot.tagger@" + project).then().statusCode(200)
                .body("kind", equalTo("bot")).body("role", equalTo("developer"));

        String botToken = Calls.token(credential);
        as(botToken).get("/api/v1/users/me").then().statusCode(200).body("kind", equalTo("bot"))
                .body("projects." + project, equalTo("developer"));

        // the default bot is created once
        String first = as(owner).put("/api/v1/projects/" + project + "/bots/default").then().statusCode(200)
                .extract().path("id");
        as(owner).put("/api/v1/projects/" + project + "/bots/default").then().statusCode(200).body("id", equalTo(first));

        // demoted below developer: its keys are revoked, the exchange names the bot and the project, and it
        // is published; made a developer again, the old key stays revoked
        as(owner).body(Map.of("role", "annotator")).patch("/api/v1/projects/" + project + "/members/" + botId)
                .then().statusCode(200);
        Calls.exchange(credential).statusCode(401).body("message", containsString("bot.tagger@" + project))
                .body("message", containsString(project));
        as(owner).body(Map.of("role", "developer")).patch("/api/v1/projects/" + project + "/members/" + botId)
                .then().statusCode(200);
        Calls.exchange(credential).statusCode(401).body("message", containsString("revoked"));
        as(owner).delete("/api/v1/projects/" + project + "/bots/" + botId).then().statusCode(204);
        Calls.exchange(credential).statusCode(401);

        List<TopicReader.Message> events = TopicReader.await(Topics.BOT_EVENTS, null, found -> found.stream()
                .filter(m -> m.value().contains(botId)).count() >= 2, Duration.ofSeconds(20));
        List<BotEvent> mine = events.stream().map(m -> read(m.value())).filter(e -> e.botUserId().equals(botId)).toList();
        // keyed by project: in order within a project, in any order across projects
        assertThat(mine).extracting(BotEvent::type).containsExactly(BotEvent.Type.BotDemoted, BotEvent.Type.BotDeleted);
        assertThat(mine).extracting(BotEvent::projectId).containsOnly(project);
    }

    @Test
    void onlyTheOperatorFetchesBotCredentials() {
        Calls.NewUser erin = Calls.user("erin");
        String owner = erin.token();
        String project = Calls.project(owner);
        String botId = as(owner).put("/api/v1/projects/" + project + "/bots/default").then().statusCode(200)
                .extract().path("id");
        as(owner).post("/api/v1/bots/" + botId + "/credentials").then().statusCode(403);
        String operator = Calls.token(Calls.fileKey("operator.key"));
        String credential = as(operator).post("/api/v1/bots/" + botId + "/credentials").then().statusCode(201)
                .extract().path("key");
        as(Calls.token(credential)).get("/api/v1/users/me").then().statusCode(200).body("id", equalTo(botId));
    }

    @Test
    void aCredentialIssuedForAServiceLastsAsLongAsItsBinding() {
        String owner = Calls.user("fay").token();
        String project = Calls.project(owner);
        String first = as(owner).put("/api/v1/projects/" + project + "/bots/default").then().statusCode(200)
                .extract().path("id");
        String second = as(owner).body(Map.of("name", "other", "returnCredentials", false))
                .post("/api/v1/projects/" + project + "/bots").then().statusCode(201).extract().path("id");
        String operator = Calls.token(Calls.fileKey("operator.key"));
        String service = "svc" + System.nanoTime();
        String bound = as(operator).body(Map.of("binding", service)).post("/api/v1/bots/" + first + "/credentials")
                .then().statusCode(201).extract().path("key");
        Calls.token(bound);
        // the service now runs as another bot: the credential issued for it before stops working
        String rebound = as(operator).body(Map.of("binding", service)).post("/api/v1/bots/" + second + "/credentials")
                .then().statusCode(201).extract().path("key");
        Calls.exchange(bound).statusCode(401).body("message", containsString("a new credential was issued for service"));
        Calls.token(rebound);
        // the service is deleted: its credential ends with it; only the operator may say so
        as(owner).delete("/api/v1/bindings/" + service).then().statusCode(403);
        as(operator).delete("/api/v1/bindings/" + service).then().statusCode(204);
        Calls.exchange(rebound).statusCode(401).body("message", containsString(service + " was deleted"));
        as(operator).body(Map.of("binding", "not a service id!")).post("/api/v1/bots/" + first + "/credentials")
                .then().statusCode(400).body("field", equalTo("binding"));
    }

    @Test
    void rotationKeepsOldTokensValidAndPublishesBothKeys() {
        String before = Calls.adminToken();
        String kid = as(before).post("/api/v1/keys/rotate").then().statusCode(200).extract().path("kid");
        String after = Calls.adminToken();
        given().get("/api/v1/.well-known/jwks.json").then().statusCode(200).body("keys.kid", hasItem(kid))
                .body("keys.kid", hasItem(kidOf(before))).body("keys[0].d", nullValue());
        as(before).get("/api/v1/users/me").then().statusCode(200);
        as(after).get("/api/v1/users/me").then().statusCode(200);
        assertThat(kidOf(after)).isEqualTo(kid);
        Calls.NewUser frank = Calls.user("frank");
        as(frank.token()).post("/api/v1/keys/rotate").then().statusCode(403);
    }

    private static String kidOf(String token) {
        try {
            return (String) Json.mapper().readValue(Base64.getUrlDecoder().decode(token.split("\\.")[0]), Map.class)
                    .get("kid");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static BotEvent read(String json) {
        try {
            return Json.mapper().readValue(json, BotEvent.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
