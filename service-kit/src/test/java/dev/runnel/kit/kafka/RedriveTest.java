package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.DeadLetterRedrive;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dead letter sent back after a fix is handled by the loop that gave it up, read again from its own
 * topic: an order names a place on a topic the loop consumes, so no letter or order can make a loop
 * handle a record that was not on its topic (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class RedriveTest {

    @Test
    void aRedrivenLetterIsHandledAgainFromItsTopicByTheLoopThatGaveItUp() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "redrive-" + UUID.randomUUID();
        String name = "redrive-loop-" + UUID.randomUUID();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicBoolean fixed = new AtomicBoolean(false);
        try (Admin admin = KafkaClients.admin(bootstrap);
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            KafkaTopics.createIfMissing(admin, new NewTopic(topic, 1, (short) 1));
            KafkaTopics.createIfMissing(admin, new NewTopic(Topics.DEAD_LETTER_REDRIVES, 1, (short) 1));
            try (ConsumerLoop orders = Redrives.start(bootstrap, "redrives-" + UUID.randomUUID());
                 ConsumerLoop loop = ConsumerLoop.start(bootstrap, name, List.of(topic), "earliest", record -> {
                     if (record.value().equals("needs-the-fix") && !fixed.get()) {
                         throw new IllegalStateException("the bug");
                     }
                     handled.add(record.value());
                 })) {
                producer.send(new ProducerRecord<>(topic, "k", "needs-the-fix")).get();
                producer.send(new ProducerRecord<>(topic, "k", "after")).get();
                Eventually.until(Duration.ofSeconds(60), Duration.ofMillis(200), "the record after the dead one",
                        () -> handled.contains("after"));
                assertThat(TopicReader.await(Topics.DEAD_LETTERS, "k", found -> found.stream()
                        .anyMatch(m -> topic.equals(m.headers().get("dead-letter-topic"))), Duration.ofSeconds(20)))
                        .filteredOn(m -> topic.equals(m.headers().get("dead-letter-topic")))
                        .singleElement().satisfies(m -> assertThat(m.headers().get("dead-letter-consumer")).isEqualTo(name));
                Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the order reader in its group",
                        orders::caughtUp);

                fixed.set(true);
                // an order names a place, not a record: whoever wrote it, what is handled is what is there
                order(producer, name, topic, 0, 1);
                Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the record at the order's place",
                        () -> handled.stream().filter("after"::equals).count() == 2);
                assertThat(handled).as("only what was on the topic").doesNotContain("needs-the-fix");

                order(producer, name, topic, 0, 0);
                Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the dead record, after the fix",
                        () -> handled.contains("needs-the-fix"));
                order(producer, name, topic, 0, 7);
                order(producer, name, "another-topic", 0, 0);
                Thread.sleep(1500);
                assertThat(handled).as("no record at that offset; not this loop's topic: nothing handled")
                        .containsExactly("after", "after", "needs-the-fix");
            }
        }
    }

    private static void order(KafkaProducer<String, String> producer, String consumer, String topic, int partition,
                              long offset) throws Exception {
        String id = UUID.randomUUID().toString();
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTER_REDRIVES, consumer, Json.mapper().writeValueAsString(
                new DeadLetterRedrive(id, "0-" + offset, consumer, topic, partition, offset, "admin", Instant.now()))))
                .get();
    }
}
