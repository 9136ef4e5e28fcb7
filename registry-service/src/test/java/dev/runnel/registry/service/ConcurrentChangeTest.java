package dev.runnel.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.auth.Caller;
import dev.runnel.contracts.Runtime;
import dev.runnel.kit.error.Refusal;
import dev.runnel.registry.fixture.Api;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A change is computed outside any transaction (it may ask bot- and trigger-service) and written
 * only if the service is still as it was read: a change landing in between makes it compute again.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ConcurrentChangeTest {

    @Inject
    DeploymentService deployments;

    static ServiceRequest concurrency(int n) {
        return new ServiceRequest(null, null, null, null, null, null, null, null,
                new Runtime(null, null, n, null, null, null), null, null, null, null, null, null, null);
    }

    @Test
    void aServiceStoppedWhileAnUpdateIsComputedKeepsTheStopAndGetsTheUpdate() {
        Api api = Api.newProject();
        String packageId = api.pushPackage("pkg");
        String id = api.post("/services", Api.mapper().createObjectNode().put("name", "svc").put("packageId", packageId))
                .statusCode(201).extract().path("id");
        Caller owner = new Caller("u-1", "dev", "user", false, Map.of(api.project, "owner"), null);

        AtomicInteger computed = new AtomicInteger();
        ServiceDoc saved = deployments.change(id, owner, current -> {
            if (computed.incrementAndGet() == 1) {
                deployments.setActive(id, false, owner); // someone stops it between the read and the write
            }
            return deployments.updated(current, concurrency(3), owner);
        });
        assertThat(computed).as("computed again on the stopped service").hasValue(2);
        assertThat(saved.active()).as("the stop is kept").isFalse();
        assertThat(saved.runtime().concurrency()).isEqualTo(3);
        assertThat(saved.version()).isEqualTo(2);

        // a service that changes under every attempt: 409 after three, nothing of this change written
        assertThatThrownBy(() -> deployments.change(id, owner, current -> {
            deployments.setActive(id, !current.active(), owner);
            return deployments.updated(current, concurrency(5), owner);
        })).isInstanceOf(Refusal.Conflict.class);
        assertThat(deployments.get(id, owner).runtime().concurrency()).isEqualTo(3);
    }
}
