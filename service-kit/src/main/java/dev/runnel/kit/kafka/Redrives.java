package dev.runnel.kit.kafka;

import dev.runnel.contracts.DeadLetterRedrive;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Dead letters sent back by the administrator (ADR 18): each service that consumes reads the orders
 * execution-service writes on {@code dead-letter-redrives}, in a consumer group of its own (an order
 * reaches one instance of each service), and hands each to its loop of the name the order gives
 * ({@link ConsumerLoop#redrive}). Orders for loops of other services are not this one's business.
 */
public final class Redrives {

    private static final Logger LOG = Logger.getLogger(Redrives.class);
    private static final Duration FETCH_WITHIN = Duration.ofSeconds(10);

    private Redrives() {
    }

    /** Starts taking the redrive orders for this process's loops, in consumer group {@code group}. */
    public static ConsumerLoop start(String bootstrap, String group) {
        // a new group starts at the end: orders given before this service ever ran were not for it
        return ConsumerLoop.start(bootstrap, group, List.of(Topics.DEAD_LETTER_REDRIVES), "latest", record -> {
            DeadLetterRedrive order;
            try {
                order = Json.mapper().readValue(record.value(), DeadLetterRedrive.class);
            } catch (Exception unreadable) {
                LOG.warnf("skipping an unreadable redrive order at %d: %s", record.offset(), unreadable.getMessage());
                return;
            }
            ConsumerLoop.running(order.consumer()).ifPresent(loop -> {
                if (!loop.redrive(order)) {
                    LOG.warnf("redrive order %s names %s, which %s does not consume", order.eventId(), order.topic(),
                            order.consumer());
                }
            });
        });
    }

    /** The record at the order's place on its topic, read with this service's login; empty when it is gone. */
    static Optional<ConsumerRecord<String, String>> fetch(String bootstrap, DeadLetterRedrive order) {
        TopicPartition partition = new TopicPartition(order.topic(), order.partition());
        try (KafkaConsumer<String, String> one = KafkaClients.consumer(bootstrap,
                Map.of("max.poll.records", "1", "auto.offset.reset", "none"))) {
            one.assign(List.of(partition));
            one.seek(partition, order.offset());
            long deadline = System.nanoTime() + FETCH_WITHIN.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : one.poll(Duration.ofMillis(500))) {
                    // a compacted or expired offset gives the next record: not the one the letter was
                    return record.offset() == order.offset() ? Optional.of(record) : Optional.empty();
                }
            }
        } catch (KafkaException gone) { // out of range (retention took it), no such topic, not allowed
            LOG.debugf("cannot read %s-%d@%d again: %s", order.topic(), order.partition(), order.offset(),
                    gone.getMessage());
        }
        return Optional.empty();
    }
}
