package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TopicReader;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record that fails every time (a value the database refuses, say) no longer stops its partition for
 * every tenant: after {@link DeadLetters#MAX_TRIES} tries it goes to {@code dead-letters}, with where it
 * was and why, and the records after it are handled. A record that fails because the platform is away
 * (a lost database connection) is retried until it passes, and never dead-lettered (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class PoisonRecordTest {

    @Test
    void aRecordThatAlwaysFailsIsDeadLetteredAndThePartitionGoesOn() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "poison-" + UUID.randomUUID();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger flakyTries = new AtomicInteger();
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings());
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (String value : List.of("poison", "flaky", "good")) {
                producer.send(new ProducerRecord<>(topic, "k", value)).get();
            }
            try (ConsumerLoop loop = ConsumerLoop.start(bootstrap, "poison-" + UUID.randomUUID(), List.of(topic),
                    "earliest", record -> {
                        if (record.value().equals("poison")) {
                            throw new IllegalStateException("the database refuses this value");
                        }
                        if (record.value().equals("flaky") && flakyTries.incrementAndGet() <= DeadLetters.MAX_TRIES + 2) {
                            throw new IllegalStateException("no connection",
                                    new SQLTransientConnectionException("connection refused", "08001"));
                        }
                        handled.add(record.value());
                    })) {
                Eventually.until(Duration.ofSeconds(60), Duration.ofMillis(200), "the records after the poison",
                        () -> handled.contains("good"));
            }
        } finally {
            Metrics.removeRegistry(meters);
        }
        assertThat(handled).as("the flaky record waited out its outage; none was lost").containsExactly("flaky", "good");
        List<TopicReader.Message> letters = TopicReader.await(Topics.DEAD_LETTERS, "k",
                found -> found.stream().anyMatch(m -> topic.equals(m.headers().get("dead-letter-topic"))),
                Duration.ofSeconds(20)).stream().filter(m -> topic.equals(m.headers().get("dead-letter-topic"))).toList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo("poison");
            assertThat(letter.headers().get("dead-letter-offset")).isEqualTo("0");
            assertThat(letter.headers().get("dead-letter-reason")).isEqualTo("the database refuses this value");
        });
        assertThat(meters.get("runnel_dead_letters").tag("topic", topic).counter().count()).isEqualTo(1);
    }
}
