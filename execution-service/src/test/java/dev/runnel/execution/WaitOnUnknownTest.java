package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.execution.execution.Waiters;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An attacker loops {@code GET /executions/{id}/wait} on ids that are not there: each answers 404,
 * and none leaves a waiter behind (before, each one did, and memory grew without bound).
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class WaitOnUnknownTest {

    @Inject
    Waiters waiters;

    @Test
    void aWaitThatAnswers404LeavesNoWaiterBehind() {
        Platform.Developer attacker = Platform.developer();
        int before = waiters.waited();
        for (int i = 0; i < 200; i++) {
            attacker.request().get("/api/v1/executions/" + UUID.randomUUID() + "/wait?timeout=1")
                    .then().statusCode(404).contentType("application/problem+json");
        }
        assertThat(waiters.waited()).isEqualTo(before);
    }
}
