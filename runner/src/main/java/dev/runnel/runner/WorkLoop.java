package dev.runnel.runner;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes work from the service's work topic while a slot is free: each poll brings at most
 * {@code concurrency} items, those beyond the free slots are left in the topic (a seek back) for this
 * or another replica, and a finished call wakes the loop at once. Offsets of taken items are
 * committed without waiting, after every poll, and again until the broker took them, and before a
 * partition is handed over: an uncommitted item would run again on another replica.
 *
 * <p>Each replica is a static member of its service's group (its replica id is its instance id): when
 * the broker restarts, a replica that comes back within the session keeps its partitions and its place
 * in them, instead of a rebalance handing the partitions out again from their last committed offsets,
 * which would run again on one replica what another had just run. A replica that stops leaves the group
 * at once; one that dies gives its partitions up when its session ends.
 */
final class WorkLoop {

    private final RunnerConfig config;
    private final Calls calls;
    /** Offsets of taken items the broker has not confirmed yet; only the loop's thread (and the callbacks it runs) use it. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

    WorkLoop(RunnerConfig config, Calls calls) {
        this.config = config;
        this.calls = calls;
    }

    /** The consumer of the service's work group; made beside the start, it joins the group when the loop runs. */
    static KafkaConsumer<String, String> newConsumer(RunnerConfig config) {
        return KafkaClients.consumer(config, Map.of(
                "group.id", Topics.workGroup(config.spec().serviceId()), "group.instance.id", config.replicaId(),
                "auto.offset.reset", "earliest",
                "max.poll.records", String.valueOf(config.spec().runtime().concurrency()), "metadata.max.age.ms", "5000",
                // a replica that dies gives its partitions to the others within seconds
                "session.timeout.ms", "8000", "heartbeat.interval.ms", "2000"));
    }

    /**
     * Runs until {@code stopping} or the worker dies; returns normally when asked to stop (the calls
     * in flight may still run), or throws when the worker died or work could not be read.
     */
    void run(KafkaConsumer<String, String> consumer, BooleanSupplier stopping, BooleanSupplier workerAlive)
            throws IOException, InterruptedException, WorkerDied {
        int concurrency = config.spec().runtime().concurrency();
        consumer.subscribe(List.of(Topics.work(config.spec().serviceId())), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commitBeforeHandingOver(consumer); // the next owner starts after what this replica took
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // positions come from the committed offsets
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(uncommitted::remove); // no longer this replica's to commit
            }
        });
        while (!stopping.getAsBoolean()) {
            if (!workerAlive.getAsBoolean()) {
                throw new WorkerDied();
            }
            if (calls.inFlight() >= concurrency) {
                consumer.pause(consumer.assignment());
                calls.awaitSlot(100);
                consumer.poll(Duration.ZERO); // paused: returns nothing, keeps the group membership current
                continue;
            }
            consumer.resume(consumer.paused());
            Set<TopicPartition> leftBehind = new HashSet<>();
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (leftBehind.contains(partition)) {
                    continue;
                }
                if (calls.inFlight() >= concurrency) {
                    consumer.seek(partition, record.offset());
                    leftBehind.add(partition);
                    continue;
                }
                calls.take(Json.mapper().readValue(record.value(), WorkItem.class));
                uncommitted.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
            commit(consumer);
        }
    }

    /** Commits what was taken and not yet committed, without waiting; what the broker refuses is tried again. */
    private void commit(KafkaConsumer<String, String> consumer) {
        if (uncommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
        uncommitted.clear();
        consumer.commitAsync(offsets, (sent, failure) -> {
            if (failure != null) { // the broker away, a rebalance: again with the next commit, unless newer ones went
                sent.forEach((partition, offset) -> uncommitted.merge(partition, offset,
                        (newer, older) -> newer.offset() >= older.offset() ? newer : older));
            }
        });
    }

    private void commitBeforeHandingOver(KafkaConsumer<String, String> consumer) {
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(new HashMap<>(uncommitted), Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            System.err.println("cannot commit the work taken before a rebalance (" + e.getMessage()
                    + "); its next owner may read it again");
        }
        uncommitted.clear();
    }

    /** The Python worker is gone. */
    static final class WorkerDied extends Exception {
        WorkerDied() {
            super(null, null, false, false);
        }
    }
}
