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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reader (what every instance runs to see every record: heartbeats, the end of executions, the
 * specs) reads every partition of its topics without a consumer group: two readers of one name (two
 * instances of a service) both see every record, from the end when asked, and a partition added while
 * they run from that partition's start (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class GrouplessReaderTest {

    @Test
    void readsEveryPartitionFromTheEndWithoutAGroup() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "reader-" + UUID.randomUUID();
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings());
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>(topic, p, "old", "{}")).get();
            }

            Set<String> first = ConcurrentHashMap.newKeySet();
            Set<String> second = ConcurrentHashMap.newKeySet();
            try (ConsumerLoop one = ConsumerLoop.startReading(bootstrap, "reader", List.of(topic), "latest",
                    record -> first.add(record.key() + "@" + record.partition()));
                 ConsumerLoop two = ConsumerLoop.startReading(bootstrap, "reader", List.of(topic), "latest",
                         record -> second.add(record.key() + "@" + record.partition()))) {
                // they read from the end: records sent until they have their partitions may or may not be
                // seen, so probe every partition until each probe arrived at both
                for (int p = 0; p < 3; p++) {
                    String probe = "probe@" + p;
                    int partition = p;
                    waitFor(200, () -> {
                        send(producer, topic, partition, "probe");
                        return first.contains(probe) && second.contains(probe);
                    });
                }
                assertThat(first).noneMatch(key -> key.startsWith("old@"));
                assertThat(second).noneMatch(key -> key.startsWith("old@"));

                // a partition added while they run is read from its start
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
                producer.send(new ProducerRecord<>(topic, 3, "added", "{}")).get();
                waitFor(200, () -> first.contains("added@3") && second.contains("added@3"));
            }
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, String key) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, "{}")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
