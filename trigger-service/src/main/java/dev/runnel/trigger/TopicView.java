package dev.runnel.trigger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * A compacted topic read whole by this replica (no consumer group: every replica sees every key),
 * from the beginning and then as it changes; {@link #awaitCaughtUp} waits until what was in the
 * topic when the view started has been read.
 */
final class TopicView implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicView.class);

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    TopicView(String bootstrap, String topic, BiConsumer<String, String> onValue) {
        this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false",
                "metadata.max.age.ms", "5000"), new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(() -> run(topic, onValue), "view-" + topic);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run(String topic, BiConsumer<String, String> onValue) {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                partitions = infos == null ? List.of()
                        : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                if (partitions.isEmpty()) {
                    caughtUp.countDown(); // no topic yet: nothing to catch up with
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        onValue.accept(record.key(), record.value());
                    } catch (RuntimeException e) {
                        LOG.warnf("%s: skipping %s@%d: %s", thread.getName(), record.key(), record.offset(), e.getMessage());
                    }
                }
                if (caughtUp.getCount() > 0 && ends.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped", thread.getName());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
