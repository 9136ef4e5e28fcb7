package dev.runnel.kit.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * A reader's assignment: every partition of its topics, looked up again every
 * {@link #REASSIGN_EVERY_MS} (from the client's metadata, refreshed anyway). New partitions start from
 * their beginning, so that a partition added while the reader runs loses nothing; those it had keep
 * their position. Used by the loop's thread only.
 */
final class ReaderPartitions {

    private static final Logger LOG = Logger.getLogger(ReaderPartitions.class);
    /** How often a reader looks for partitions added to its topics. */
    private static final long REASSIGN_EVERY_MS = 10_000;

    private final List<String> topics;
    private long assignedAt;
    private boolean topicsAbsent;

    ReaderPartitions(List<String> topics) {
        this.topics = List.copyOf(topics);
    }

    /** Assigns the consumer every partition of the topics when it is time to look; false while none of them exists. */
    boolean assign(KafkaConsumer<String, String> consumer, String name) {
        long now = System.currentTimeMillis();
        if (!consumer.assignment().isEmpty() && now - assignedAt < REASSIGN_EVERY_MS) {
            return true;
        }
        assignedAt = now;
        Set<TopicPartition> all = new HashSet<>();
        try {
            for (String topic : topics) {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (partitions != null) {
                    partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debugf("%s: cannot look up its partitions now (%s)", name, e.getMessage());
            return !consumer.assignment().isEmpty();
        }
        topicsAbsent = all.isEmpty();
        Set<TopicPartition> before = new HashSet<>(consumer.assignment());
        if (!all.equals(before)) {
            consumer.assign(all);
            if (!before.isEmpty()) {
                Set<TopicPartition> added = new HashSet<>(all);
                added.removeAll(before);
                consumer.seekToBeginning(added);
            }
        }
        return !all.isEmpty();
    }

    /** Whether the last look found none of the topics (not that the look failed). */
    boolean topicsAbsent() {
        return topicsAbsent;
    }
}
