package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A loop hears its topics only while the broker answers and its handler keeps up: execution-service
 * counts a replica lost only when it was silent while heard, so that a broker restart or the database
 * away does not run every call in flight again (real Kafka, killed and started again).
 */
@ExtendWith(PlainTestLogin.class)
class HearingTest {

    private static final Duration HEARD = Duration.ofSeconds(2);

    @Test
    void aReaderStopsHearingWhileTheBrokerIsAwayAndHearsAgainOnlyAfterItCameBack() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = topic();
        try (ConsumerLoop reader = ConsumerLoop.startReading(bootstrap, "hearing", List.of(topic), "latest",
                record -> { })) {
            Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "heard for a while",
                    () -> reader.heardFor().compareTo(HEARD) >= 0);

            RunnelInfrastructure.kafka().stop();
            long stopped = System.nanoTime();
            try {
                Eventually.until(Duration.ofSeconds(10), Duration.ofMillis(100), "not heard with the broker away",
                        () -> reader.heardFor().isZero());
                Thread.sleep(3000);
                assertThat(reader.heardFor()).as("still not heard, the broker away").isZero();
            } finally {
                RunnelInfrastructure.kafka().resume();
            }
            long resumed = System.nanoTime();
            Eventually.until(Duration.ofSeconds(60), Duration.ofMillis(100), "heard again once it is back",
                    () -> reader.heardFor().compareTo(HEARD) >= 0);
            assertThat(reader.heardFor()).as("heard only since the broker came back, not since before it went")
                    .isLessThan(Duration.ofNanos(System.nanoTime() - resumed))
                    .isLessThan(Duration.ofNanos(resumed - stopped).plus(HEARD));
        }
    }

    @Test
    void aLoopWhoseHandlerCannotKeepUpDoesNotHear() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = topic();
        AtomicBoolean databaseAway = new AtomicBoolean(false);
        try (ConsumerLoop reader = ConsumerLoop.startReading(bootstrap, "hearing", List.of(topic), "earliest",
                record -> {
                    if (databaseAway.get()) {
                        throw new IllegalStateException(new SQLTransientConnectionException("the database is away"));
                    }
                });
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "heard for a while",
                    () -> reader.heardFor().compareTo(HEARD) >= 0);

            databaseAway.set(true);
            producer.send(new ProducerRecord<>(topic, "beat", "{}")).get();
            Eventually.until(Duration.ofSeconds(10), Duration.ofMillis(100), "not heard while it cannot handle",
                    () -> reader.heardFor().isZero());
            Thread.sleep(2500);
            assertThat(reader.heardFor()).as("still failing: still not heard").isZero();

            databaseAway.set(false);
            Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "heard again once it handled the record",
                    () -> reader.heardFor().compareTo(Duration.ofSeconds(1)) >= 0);
        }
    }

    private static String topic() throws Exception {
        String topic = "hearing-" + UUID.randomUUID();
        try (Admin admin = KafkaClients.admin(RunnelInfrastructure.kafka().bootstrapServers())) {
            KafkaTopics.createIfMissing(admin, new NewTopic(topic, 2, (short) 1));
        }
        return topic;
    }
}
