package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reader of a topic that does not exist yet, or is empty, has nothing to catch up with (trigger-service
 * waits for its index to catch up before it matches events, on a fresh install too), and reads the
 * topic's records once they come (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class ReaderCatchUpTest {

    @Test
    void aReaderOfATopicNotThereYetHasCaughtUpAndReadsItOnceMade() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "not-yet-" + UUID.randomUUID();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (ConsumerLoop reader = ConsumerLoop.startReading(bootstrap, "view", List.of(topic), "earliest",
                record -> seen.add(record.key()))) {
            assertThat(reader.awaitCaughtUp(Duration.ofSeconds(10))).as("nothing there: caught up").isTrue();

            try (Admin admin = KafkaClients.admin(bootstrap);
                 KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                         new StringSerializer(), new StringSerializer())) {
                // a broker that creates topics on first use has made it at the reader's look already
                KafkaTopics.createIfMissing(admin, new NewTopic(topic, 1, (short) 1));
                producer.send(new ProducerRecord<>(topic, "first", "{}")).get();
            }
            Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the record of the topic made later",
                    () -> seen.contains("first"));
        }
    }
}
