package dev.runnel.operator.autoscale;

import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.KafkaTopics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Work items of a service that no replica has taken yet: the lag of its replicas' consumer group
 * on its work topic (a replica commits an item's offset when it takes it). Partitions the group
 * never read count from their first offset, so work sent while a service was scaled to zero counts.
 */
@ApplicationScoped
public class WorkBacklog {

    private final String bootstrap;
    private Admin admin;

    public WorkBacklog(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Queued work items of the service; 0 when its work topic does not exist yet. */
    public long queued(String serviceId) throws InterruptedException, TimeoutException {
        String topic = Topics.work(serviceId);
        try {
            Admin kafka = admin();
            int partitions = kafka.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = kafka.listOffsets(latest).all()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = kafka.listOffsets(earliest).all()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(
                    Topics.workGroup(serviceId)).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long queued = 0;
            for (TopicPartition partition : latest.keySet()) {
                OffsetAndMetadata taken = committed.get(partition);
                long from = Math.max(starts.get(partition).offset(), taken == null ? 0 : taken.offset());
                queued += Math.max(0, ends.get(partition).offset() - from);
            }
            return queued;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the backlog of " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaTopics.admin(bootstrap);
        }
        return admin;
    }

    /** After the shutdown events, so that the reconciler's last round still has it. */
    @PreDestroy
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }
}
