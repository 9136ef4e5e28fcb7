package dev.runnel.registry.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Outboxes;
import dev.runnel.registry.fixture.Specs;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbox waits {@code runnel.outbox.linger} after the commit that woke it, and the events that
 * later commits append within that time go out in the same run (OutboxPublisher).
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
@TestProfile(OutboxLingerTest.LongLinger.class)
class OutboxLingerTest {

    /** A linger far longer than two requests take, so that the test does not depend on the machine's speed. */
    public static class LongLinger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.outbox.linger", "3s");
        }
    }

    @Test
    void eventsOfCommitsWithinTheLingerGoOutTogether() throws Exception {
        Api api = Api.newProject();
        String id = Outboxes.deployed(api, "linger");

        replicas(api, id, 2);
        Eventually.holdsFor(Duration.ofMillis(300), Duration.ofMillis(50), "the first event waits for the linger",
                () -> Outboxes.pendingEvents(id) == 1);
        replicas(api, id, 3);
        assertThat(Outboxes.pendingEvents(id))
                .as("the first event is still there when the second commits: one run takes both").isEqualTo(2);

        assertThat(Specs.published(id, 3)).extracting(ServiceSpec::version).containsExactly(1, 2, 3);
        Outboxes.awaitNothingPending(id);
    }

    private static void replicas(Api api, String id, int replicas) {
        api.patch("/services/" + id, Api.mapper().createObjectNode().set("runtime",
                Api.mapper().createObjectNode().put("replicas", replicas))).statusCode(200).body("version", equalTo(replicas));
    }
}
