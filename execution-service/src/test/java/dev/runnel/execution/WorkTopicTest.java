package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** A service's work topic has a partition for every replica it may have, and grows with maxReplicas. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class WorkTopicTest {

    static ServiceSpec withRuntime(ServiceSpec spec, int version, Runtime runtime) {
        return new ServiceSpec(spec.eventId() + version, spec.serviceId(), spec.projectId(), spec.name(), version,
                spec.active(), spec.packageId(), spec.packageName(), spec.packageRevision(), spec.codebase(),
                spec.module(), spec.initParams(), runtime, spec.maxAttempts(), spec.executionTimeout(), spec.onReset(),
                spec.drainTime(), spec.botUserName(), spec.updatedAt(), spec.triggers());
    }

    static int partitions(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        } catch (Exception e) {
            return 0; // not created yet
        }
    }

    static int awaitPartitions(Admin admin, String topic, int expected) throws Exception {
        return Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(100), topic + " to have " + expected
                + " partitions", () -> partitions(admin, topic), seen -> seen == expected);
    }

    @Test
    void theWorkTopicHasAPartitionPerReplicaItMayHaveAndGrowsWithMax() throws Exception {
        Platform.Developer developer = Platform.developer();
        ServiceSpec base = Platform.spec(developer.project(), 1, 60, "failed", true);
        String topic = Topics.work(base.serviceId());
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings())) {
            Platform.deploy(developer, withRuntime(base, 1, new Runtime(false, 1, 4, null, "regular-s",
                    new Runtime.Autoscaler(0, 3, 10, 60))));
            assertThat(awaitPartitions(admin, topic, 3)).isEqualTo(3);

            Platform.publish(Topics.SERVICE_SPECS, base.serviceId(), withRuntime(base, 2, new Runtime(false, 1, 4, null,
                    "regular-s", new Runtime.Autoscaler(0, 6, 10, 60))));
            assertThat(awaitPartitions(admin, topic, 6)).as("maxReplicas grew from 3 to 6").isEqualTo(6);

            Platform.publish(Topics.SERVICE_SPECS, base.serviceId(), withRuntime(base, 3, new Runtime(false, 8, 4, null,
                    "regular-s", null)));
            assertThat(awaitPartitions(admin, topic, 8)).as("fixed replicas count too").isEqualTo(8);
        }
    }
}
