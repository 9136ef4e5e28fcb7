package dev.runnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void eachPathGoesToItsOwner() {
        assertThat(RouteTable.owner("/api/v1/codebases")).contains("registry");
        assertThat(RouteTable.owner("/api/v1/packages/p1/revisions")).contains("registry");
        assertThat(RouteTable.owner("/api/v1/services/s1/stop")).contains("registry");
        assertThat(RouteTable.owner("/api/v1/services/logs")).contains("execution");
        assertThat(RouteTable.owner("/api/v1/services/logsearch")).contains("registry");
        assertThat(RouteTable.owner("/api/v1/token")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/.well-known/jwks.json")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/users/me")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/projects/p1/bots")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/bots/b1/credentials")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/keys/rotate")).contains("bot");
        assertThat(RouteTable.owner("/api/v1/executions/e1/wait")).contains("execution");
        assertThat(RouteTable.owner("/api/v1/triggers")).contains("trigger");
        assertThat(RouteTable.owner("/api/v1/events")).contains("trigger");
        assertThat(RouteTable.owner("/api/v1/widgets")).isEmpty();
        assertThat(RouteTable.owner("/q/health")).isEmpty();
    }
}
