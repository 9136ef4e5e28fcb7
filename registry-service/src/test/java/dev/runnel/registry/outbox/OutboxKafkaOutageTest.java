package dev.runnel.registry.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Outboxes;
import dev.runnel.registry.fixture.Specs;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class OutboxKafkaOutageTest {

    @Test
    void updatesMadeWhileKafkaIsDownArePublishedInOrderOnceItIsBack() throws Exception {
        Api api = Api.newProject();
        String id = Outboxes.deployed(api, "outage");

        RunnelInfrastructure.kafka().stop();
        try {
            for (int replicas = 2; replicas <= 3; replicas++) {
                api.patch("/services/" + id, Api.mapper().createObjectNode().set("runtime",
                        Api.mapper().createObjectNode().put("replicas", replicas)))
                        .statusCode(200).body("version", equalTo(replicas));
            }
            Eventually.holdsFor(Duration.ofMillis(1500), Duration.ofMillis(100),
                    "events wait in the outbox while Kafka is down", () -> Outboxes.pendingEvents(id) == 2);
        } finally {
            RunnelInfrastructure.kafka().resume();
        }

        List<ServiceSpec> specs = Specs.published(id, 3);
        assertThat(specs).extracting(ServiceSpec::version).containsExactly(1, 2, 3);
        assertThat(specs).extracting(s -> s.runtime().replicas()).containsExactly(1, 2, 3);
        Outboxes.awaitNothingPending(id);
    }

    @Test
    void nothingIsPublishedWhileAnotherPublisherHoldsTheLock() throws Exception {
        Api api = Api.newProject();
        String id = Outboxes.deployed(api, "locked");

        // the lock of registry-service's publishers (OutboxPublisher), held as another instance would
        long lockKey = 0x52554e4e454c0000L | ("runnel-registry-service".hashCode() & 0xffffL);
        try (Connection other = RunnelInfrastructure.postgres().connect()) {
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, lockKey);
                lock.executeQuery().close();
            }
            api.patch("/services/" + id, Api.mapper().createObjectNode().set("runtime",
                    Api.mapper().createObjectNode().put("replicas", 2))).statusCode(200).body("version", equalTo(2));
            Eventually.holdsFor(Duration.ofMillis(1500), Duration.ofMillis(100),
                    "the event waits while another publisher holds the lock", () -> Outboxes.pendingEvents(id) == 1);
            try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, lockKey);
                unlock.executeQuery().close();
            }
        }
        assertThat(Specs.published(id, 2)).extracting(ServiceSpec::version).containsExactly(1, 2);
        Outboxes.awaitNothingPending(id);
    }
}
