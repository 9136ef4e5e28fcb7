package dev.runnel.kit.kafka;

import static dev.runnel.testsupport.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A loop in a consumer group commits what it handled, a while after (commits are gathered, not one
 * per record) and when it closes: a loop of the same group started afterwards goes on from there and
 * handles nothing twice (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class ConsumerLoopCommitTest {

    @Test
    void handledRecordsAreCommittedWhileRunningAndAtClose() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "commits-" + UUID.randomUUID();
        String group = "commits-" + UUID.randomUUID();
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings());
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            LongSupplier committed = () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get();
                    return offsets.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };

            Set<String> first = ConcurrentHashMap.newKeySet();
            try (ConsumerLoop loop = ConsumerLoop.start(bootstrap, group, List.of(topic), "earliest", record -> {
                first.add(record.key());
                if (record.key().equals("last-but-one")) {
                    // the next record comes a moment after this one: within the time commits are gathered
                    send(producer, topic, "last");
                }
            })) {
                for (int i = 0; i < 50; i++) { // one at a time, as a slow stream comes
                    producer.send(new ProducerRecord<>(topic, "a" + i, "{}")).get();
                }
                waitFor(5, () -> first.size() == 50);
                waitFor(5, () -> committed.getAsLong() == 50); // while it runs, without closing
                send(producer, topic, "last-but-one");
                waitFor(5, () -> first.contains("last"));
            } // closing commits what it handled last

            Set<String> second = ConcurrentHashMap.newKeySet();
            try (ConsumerLoop loop = ConsumerLoop.start(bootstrap, group, List.of(topic), "earliest",
                    record -> second.add(record.key()))) {
                producer.send(new ProducerRecord<>(topic, "c", "{}")).get();
                waitFor(5, () -> second.contains("c"));
                assertThat(second).as("the next loop of the group reads only what came after").containsExactly("c");
            }
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String key) {
        try {
            producer.send(new ProducerRecord<>(topic, key, "{}")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
