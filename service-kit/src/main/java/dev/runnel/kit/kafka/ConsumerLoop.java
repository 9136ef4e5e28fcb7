package dev.runnel.kit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One thread that consumes topics and hands each record to a handler, committing offsets only
 * after the handler returned: a record whose handling failed is read again after a pause, so
 * nothing is skipped; handlers are idempotent on the event id.
 */
public final class ConsumerLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private ConsumerLoop(String name, KafkaConsumer<String, String> consumer, Runnable subscribe,
                         Consumer<ConsumerRecord<String, String>> handler) {
        this.consumer = consumer;
        this.thread = new Thread(() -> run(subscribe, handler), name);
        this.thread.setDaemon(true);
    }

    /** Starts consuming {@code topics} in consumer group {@code group}. */
    public static ConsumerLoop start(String bootstrap, String group, List<String> topics, String reset,
                                     Consumer<ConsumerRecord<String, String>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, group, reset);
        ConsumerLoop loop = new ConsumerLoop(group, consumer, () -> consumer.subscribe(topics), handler);
        loop.thread.start();
        return loop;
    }

    /** Starts consuming every topic matching {@code pattern}. */
    public static ConsumerLoop start(String bootstrap, String group, Pattern pattern, String reset,
                                     Consumer<ConsumerRecord<String, String>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, group, reset);
        ConsumerLoop loop = new ConsumerLoop(group, consumer, () -> consumer.subscribe(pattern), handler);
        loop.thread.start();
        return loop;
    }

    private static KafkaConsumer<String, String> create(String bootstrap, String group, String reset) {
        Properties p = new Properties();
        p.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000",
                // a crashed instance hands its partitions over within seconds
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000"));
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private void run(Runnable subscribe, Consumer<ConsumerRecord<String, String>> handler) {
        try {
            subscribe.run();
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                boolean failed = false;
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, String> record : records.records(partition)) {
                        try {
                            handler.accept(record);
                            handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
                        } catch (RuntimeException e) {
                            LOG.warnf("%s: handling %s@%d failed, will retry: %s", thread.getName(), record.topic(),
                                    record.offset(), e);
                            consumer.seek(partition, record.offset());
                            failed = true;
                            break;
                        }
                    }
                }
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
                if (failed) {
                    Thread.sleep(1000);
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
