package dev.runnel.bot;

import static dev.runnel.bot.Calls.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many projects a user may make: the admin's limit, answered 429 naming it. */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
@TestProfile(ProjectsPerUserTest.Two.class)
class ProjectsPerUserTest {

    /** Two projects per user. */
    public static class Two implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.quota.projects-per-user", "2");
        }
    }

    @Test
    void aUserMakesAsManyProjectsAsTheLimitAndNoMore() {
        Calls.NewUser user = Calls.user("maker");
        String token = user.token();
        Calls.project(token);
        Calls.project(token);
        as(token).body(Map.of("name", "third")).post("/api/v1/projects").then().statusCode(429)
                .contentType("application/problem+json").body("limit", equalTo("projects-per-user"))
                .body("message", containsString("user " + user.username() + " would have 3 projects"));
        as(token).get("/api/v1/projects").then().statusCode(200).body("size()", equalTo(2));
        // being made a member of someone else's project does not count, and the admin has no limit
        String admin = Calls.adminToken();
        for (int i = 0; i < 3; i++) {
            Calls.project(admin);
        }
    }
}
