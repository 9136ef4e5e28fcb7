package dev.runnel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class OutboxKafkaOutageTest {

    static long pendingEvents(String serviceId) throws Exception {
        try (Connection c = RunnelInfrastructure.postgres().connect(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM registry.outbox WHERE msg_key = '" + serviceId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A service of a new project, deployed, its first spec published and nothing left in the outbox. */
    static String deployed(Api api, String name) throws Exception {
        String packageId = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        String id = api.post("/services", Api.mapper().createObjectNode().put("name", name)
                .put("packageId", packageId)).statusCode(201).extract().path("id");
        assertThat(ServiceLifecycleTest.specs(id, 1)).hasSize(1);
        awaitNothingPending(id);
        return id;
    }

    static void awaitNothingPending(String serviceId) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (pendingEvents(serviceId) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(pendingEvents(serviceId)).isZero();
    }

    @Test
    void updatesMadeWhileKafkaIsDownArePublishedInOrderOnceItIsBack() throws Exception {
        Api api = Api.newProject();
        String id = deployed(api, "outage");

        RunnelInfrastructure.kafka().stop();
        try {
            for (int replicas = 2; replicas <= 3; replicas++) {
                api.patch("/services/" + id, Api.mapper().createObjectNode().set("runtime",
                        Api.mapper().createObjectNode().put("replicas", replicas)))
                        .statusCode(200).body("version", equalTo(replicas));
            }
            Thread.sleep(1500);
            assertThat(pendingEvents(id)).as("events wait in the outbox while Kafka is down").isEqualTo(2);
        } finally {
            RunnelInfrastructure.kafka().resume();
        }

        List<ServiceSpec> specs = ServiceLifecycleTest.specs(id, 3);
        assertThat(specs).extracting(ServiceSpec::version).containsExactly(1, 2, 3);
        assertThat(specs).extracting(s -> s.runtime().replicas()).containsExactly(1, 2, 3);
        awaitNothingPending(id);
    }

    @Test
    void nothingIsPublishedWhileAnotherPublisherHoldsTheLock() throws Exception {
        Api api = Api.newProject();
        String id = deployed(api, "locked");

        // the lock of registry-service's publishers (OutboxPublisher), held as another instance would
        long lockKey = 0x52554e4e454c0000L | ("runnel-registry-service".hashCode() & 0xffffL);
        try (Connection other = RunnelInfrastructure.postgres().connect()) {
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, lockKey);
                lock.executeQuery().close();
            }
            api.patch("/services/" + id, Api.mapper().createObjectNode().set("runtime",
                    Api.mapper().createObjectNode().put("replicas", 2))).statusCode(200).body("version", equalTo(2));
            Thread.sleep(1500);
            assertThat(pendingEvents(id)).as("the event waits while another publisher holds the lock").isEqualTo(1);
            try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, lockKey);
                unlock.executeQuery().close();
            }
        }
        assertThat(ServiceLifecycleTest.specs(id, 2)).extracting(ServiceSpec::version).containsExactly(1, 2);
        awaitNothingPending(id);
    }
}
