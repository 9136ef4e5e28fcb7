package dev.runnel.registry.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.ServiceStatus;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.TopicReader;
import dev.runnel.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A service-status record that cannot be written goes to the dead-letter topic, with where it came
 * from, and the records after it are still applied: one bad record does not stop the channel.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ServiceStatusDeadLetterTest {

    @Inject
    ReplicaStatus replicas;

    @Test
    void aRecordThatCannotBeWrittenGoesToTheDeadLettersAndTheNextIsApplied() {
        String poison = "poison-" + UUID.randomUUID();
        // readable, but no row can hold it: a status without its time breaks the table's NOT NULL
        TopicWriter.send(Topics.SERVICE_STATUS, poison, Db.json(new ServiceStatus(UUID.randomUUID().toString(),
                poison, 1, ServiceStatus.State.Active, 0, 1, null, null)));
        String fine = "svc-" + UUID.randomUUID();
        TopicWriter.send(Topics.SERVICE_STATUS, fine, Db.json(new ServiceStatus(UUID.randomUUID().toString(), fine, 1,
                ServiceStatus.State.Active, 1, 1, null, Instant.now())));

        Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the status after the bad one",
                () -> replicas.of(fine).isPresent());
        assertThat(replicas.of(fine).orElseThrow().status()).isEqualTo("Active");
        TopicReader.Message dead = TopicReader.await(Topics.DEAD_LETTERS, poison, m -> !m.isEmpty(),
                Duration.ofSeconds(30)).get(0);
        assertThat(dead.headers()).containsEntry("dead-letter-topic", Topics.SERVICE_STATUS)
                .containsKey("dead-letter-reason");
        assertThat(replicas.of(poison)).isEmpty();
    }
}
