package dev.runnel.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The backlog of many services read in one batch, against real Kafka topics and consumer groups. */
@ExtendWith(PlainTestLogin.class)
class WorkBacklogTest {

    @Test
    void theBacklogsOfManyServicesAreReadTogether() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String untouched = "bl" + UUID.randomUUID().toString().substring(0, 8); // 7 sent, none taken
        String halfTaken = "bl" + UUID.randomUUID().toString().substring(0, 8); // 10 sent over 3 partitions, 4 taken
        String allTaken = "bl" + UUID.randomUUID().toString().substring(0, 8);  // 5 sent, all taken
        String noTopic = "bl" + UUID.randomUUID().toString().substring(0, 8);   // never sent anything
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings());
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(Topics.work(untouched), 1, (short) 1),
                    new NewTopic(Topics.work(halfTaken), 3, (short) 1),
                    new NewTopic(Topics.work(allTaken), 2, (short) 1))).all().get();
            send(producer, Topics.work(untouched), 0, 7);
            send(producer, Topics.work(halfTaken), 0, 4);
            send(producer, Topics.work(halfTaken), 1, 3);
            send(producer, Topics.work(halfTaken), 2, 3);
            send(producer, Topics.work(allTaken), 0, 2);
            send(producer, Topics.work(allTaken), 1, 3);
            producer.flush();
            // replicas commit an item's offset when they take it
            admin.alterConsumerGroupOffsets(Topics.workGroup(halfTaken), Map.of(
                    new TopicPartition(Topics.work(halfTaken), 0), new OffsetAndMetadata(3),
                    new TopicPartition(Topics.work(halfTaken), 2), new OffsetAndMetadata(1))).all().get();
            admin.alterConsumerGroupOffsets(Topics.workGroup(allTaken), Map.of(
                    new TopicPartition(Topics.work(allTaken), 0), new OffsetAndMetadata(2),
                    new TopicPartition(Topics.work(allTaken), 1), new OffsetAndMetadata(3))).all().get();
        }

        WorkBacklog backlog = new WorkBacklog(bootstrap);
        try {
            Map<String, Long> queued = backlog.queued(List.of(untouched, halfTaken, allTaken, noTopic));
            assertThat(queued).containsExactlyInAnyOrderEntriesOf(Map.of(untouched, 7L, halfTaken, 6L,
                    allTaken, 0L, noTopic, 0L));
            // one service alone reads the same
            assertThat(backlog.queued(halfTaken)).isEqualTo(6);
            assertThat(backlog.queued(noTopic)).isZero();
            assertThat(backlog.queued(List.of())).isEmpty();
        } finally {
            backlog.stop();
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, partition, "k" + i, "{}"));
        }
    }
}
