package dev.runnel.bot;

import static dev.runnel.bot.Calls.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.kit.db.Db;
import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bot is its project's identity and nothing more: the cross-project takeover, step by step. */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
class BotBoundaryTest {

    @Inject
    Db db;

    private record Bot(String id, String userName, String credential) {
    }

    private static Bot bot(String owner, String project, String name) {
        var answer = as(owner).body(Map.of("name", name, "returnCredentials", true))
                .post("/api/v1/projects/" + project + "/bots").then().statusCode(201).extract();
        return new Bot(answer.path("id"), answer.path("userName"), answer.path("credential"));
    }

    @Test
    void aBotCannotBeMadeAMemberOfAnotherProject() {
        String victim = Calls.user("victim").token();
        String victimProject = Calls.project(victim);
        Bot victimBot = bot(victim, victimProject, "tagger");
        String attacker = Calls.user("attacker").token();
        String attackerProject = Calls.project(attacker);

        for (String who : new String[] {victimBot.id(), victimBot.userName()}) {
            as(attacker).body(Map.of("userId", who, "role", "developer"))
                    .post("/api/v1/projects/" + attackerProject + "/members").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("userId"))
                    .body("message", containsString("a bot of project " + victimProject));
        }
        as(attacker).get("/api/v1/projects/" + attackerProject + "/members/" + victimBot.id()).then().statusCode(404);
    }

    @Test
    void aBotsTokenNamesItsOwnProjectAndTheDatabaseRefusesItAnyOther() {
        String owner = Calls.user("owner").token();
        String home = Calls.project(owner);
        String elsewhere = Calls.project(owner);
        Bot bot = bot(owner, home, "worker");
        // whatever code writes the row, the database keeps a bot at home
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> db.update(
                "INSERT INTO members (project_id, user_id, role) VALUES (?, ?, 'developer')", elsewhere, bot.id())))
                .hasMessageContaining("a bot is a member of its own project only");

        String token = Calls.token(bot.credential());
        Map<String, Object> claims = Calls.claims(token);
        assertThat(claims.get("projects")).isEqualTo(Map.of(home, "developer"));
        // a bot's token lives a minute: a revoked credential loses its access within it
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue()).isEqualTo(60);
        as(token).get("/api/v1/projects/" + elsewhere).then().statusCode(404);
    }

    @Test
    void aBotsTokenMintsNoKeysMakesNoProjectsAndChangesNoMembers() {
        String owner = Calls.user("owner").token();
        String project = Calls.project(owner);
        Bot bot = bot(owner, project, "runner");
        Calls.NewUser friend = Calls.user("friend");
        String token = Calls.token(bot.credential());

        as(token).body(Map.of("name", "more")).post("/api/v1/users/me/apikeys").then().statusCode(403)
                .contentType("application/problem+json").body("message", containsString("a bot may not"));
        as(token).body(Map.of("name", "mine")).post("/api/v1/projects").then().statusCode(403);
        as(token).body(Map.of("userId", friend.id(), "role", "owner")).post("/api/v1/projects/" + project + "/members")
                .then().statusCode(403);
        as(token).body(Map.of("role", "owner")).patch("/api/v1/projects/" + project + "/members/" + bot.id())
                .then().statusCode(403);
        as(token).body(Map.of("name", "child")).post("/api/v1/projects/" + project + "/bots").then().statusCode(403);
        as(token).get("/api/v1/users/me/apikeys").then().statusCode(200).body("size()", equalTo(1));
        as(owner).get("/api/v1/projects/" + project + "/members").then().statusCode(200).body("size()", equalTo(2));
        as(owner).get("/api/v1/projects").then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void removingABotFromItsProjectRevokesItsKeys() {
        String owner = Calls.user("owner").token();
        String project = Calls.project(owner);
        Bot bot = bot(owner, project, "leaver");
        Calls.token(bot.credential());
        as(owner).delete("/api/v1/projects/" + project + "/members/" + bot.id()).then().statusCode(204);
        Calls.exchange(bot.credential()).statusCode(401).body("message", containsString("revoked"))
                .body("message", containsString("removed from project " + project));
    }
}
