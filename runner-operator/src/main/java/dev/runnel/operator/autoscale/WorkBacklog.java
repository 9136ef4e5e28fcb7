package dev.runnel.operator.autoscale;

import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Work items of services that no replica has taken yet: the lag of each service's replicas' consumer
 * group on its work topic (a replica commits an item's offset when it takes it). Partitions the group
 * never read count from their first offset, so work sent while a service was scaled to zero counts.
 * Any number of services are measured with four requests to Kafka, not four per service.
 */
@ApplicationScoped
public class WorkBacklog {

    private final String bootstrap;
    private Admin admin;

    public WorkBacklog(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Queued work items of one service; 0 when its work topic does not exist yet. */
    public long queued(String serviceId) throws InterruptedException, TimeoutException {
        return queued(List.of(serviceId)).get(serviceId);
    }

    /** Queued work items of each service (0 for a service whose work topic does not exist yet). */
    public Map<String, Long> queued(Collection<String> serviceIds) throws InterruptedException, TimeoutException {
        Map<String, Long> queued = new HashMap<>();
        if (serviceIds.isEmpty()) {
            return queued;
        }
        Admin kafka = admin();
        Map<String, String> topics = new HashMap<>();
        serviceIds.forEach(id -> topics.put(Topics.work(id), id));
        Map<String, KafkaFuture<TopicDescription>> described = kafka.describeTopics(topics.keySet()).topicNameValues();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
            String serviceId = topics.get(topic.getKey());
            TopicDescription description = described(topic.getValue(), topic.getKey());
            if (description == null) {
                queued.put(serviceId, 0L); // no work topic yet: nothing was ever sent
                continue;
            }
            for (int p = 0; p < description.partitions().size(); p++) {
                latest.put(new TopicPartition(topic.getKey(), p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic.getKey(), p), OffsetSpec.earliest());
            }
            groups.put(Topics.workGroup(serviceId), new ListConsumerGroupOffsetsSpec());
        }
        if (groups.isEmpty()) {
            return queued;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = require(kafka.listOffsets(latest).all(), "ends");
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = require(kafka.listOffsets(earliest).all(),
                "starts");
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = require(
                kafka.listConsumerGroupOffsets(groups).all(), "committed offsets");
        for (TopicPartition partition : latest.keySet()) {
            String serviceId = topics.get(partition.topic());
            OffsetAndMetadata taken = committed.getOrDefault(Topics.workGroup(serviceId), Map.of()).get(partition);
            long from = Math.max(starts.get(partition).offset(), taken == null ? 0 : taken.offset());
            queued.merge(serviceId, Math.max(0, ends.get(partition).offset() - from), Long::sum);
        }
        return queued;
    }

    /** A topic's description; null when it does not exist. */
    private static TopicDescription described(KafkaFuture<TopicDescription> future, String topic)
            throws InterruptedException, TimeoutException {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    private static <T> T require(KafkaFuture<T> future, String what) throws InterruptedException, TimeoutException {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the work backlog (" + what + "): " + e.getCause().getMessage(), e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaClients.admin(bootstrap);
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
