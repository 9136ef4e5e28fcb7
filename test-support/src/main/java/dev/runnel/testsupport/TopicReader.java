package dev.runnel.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic of the test broker from the beginning, for assertions on what services published. */
public final class TopicReader {

    /** One message as a test sees it; {@code value} is null for a tombstone. */
    public record Message(String key, String value, Map<String, String> headers, long offset) {
    }

    private TopicReader() {
    }

    /**
     * Reads the messages of one key until {@code done} accepts them or the timeout passes, and
     * returns what was read either way.
     */
    public static List<Message> await(String topic, String key, Predicate<List<Message>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(RunnelInfrastructure.kafka().clientSettings(
                Map.of("enable.auto.commit", "false")), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                consumer.partitionsFor(topic, Duration.ofSeconds(5))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                if (partitions.isEmpty()) {
                    Processes.sleep(100);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(found) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key == null || key.equals(r.key())) {
                        Map<String, String> headers = new java.util.HashMap<>();
                        for (Header h : r.headers()) {
                            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                        }
                        found.add(new Message(r.key(), r.value(), headers, r.offset()));
                    }
                }
            }
        }
        return found;
    }

    /** Reads what one key has within the time given (for asserting that nothing more arrived). */
    public static List<Message> readFor(String topic, String key, Duration time) {
        return await(topic, key, found -> false, time);
    }
}
