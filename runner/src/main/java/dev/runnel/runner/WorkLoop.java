package dev.runnel.runner;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes work from the service's work topic while a slot is free: each poll brings at most
 * {@code concurrency} items, those beyond the free slots are left in the topic (a seek back) for this
 * or another replica, and a finished call wakes the loop at once. Offsets of taken items are
 * committed without waiting, after every poll: an uncommitted item would run again on another replica.
 */
final class WorkLoop {

    private final RunnerConfig config;
    private final Calls calls;

    WorkLoop(RunnerConfig config, Calls calls) {
        this.config = config;
        this.calls = calls;
    }

    /** The consumer of the service's work group; made beside the start, it joins the group when the loop runs. */
    static KafkaConsumer<String, String> newConsumer(RunnerConfig config) {
        return KafkaClients.consumer(config, Map.of(
                "group.id", Topics.workGroup(config.spec().serviceId()), "auto.offset.reset", "earliest",
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
        consumer.subscribe(List.of(Topics.work(config.spec().serviceId())));
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
            Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
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
                taken.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
            if (!taken.isEmpty()) {
                consumer.commitAsync(taken, null);
            }
        }
    }

    /** The Python worker is gone. */
    static final class WorkerDied extends Exception {
        WorkerDied() {
            super(null, null, false, false);
        }
    }
}
