package dev.runnel.kit.kafka;

import dev.runnel.contracts.Topics;
import io.micrometer.core.instrument.Metrics;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Where a consumer puts a record it failed to handle {@link #MAX_TRIES} times: on {@code dead-letters},
 * with its value, its key and its headers, and headers that say where it was and why it failed (the
 * names SmallRye's connector uses: {@code dead-letter-topic}, {@code -partition}, {@code -offset},
 * {@code -reason}, {@code -cause}, and {@code dead-letter-consumer}). The consumer then goes on with
 * the next record: one bad record never stops a shared partition. A failure of the platform itself
 * (the database or the broker away) is not the record's fault: it is retried for as long as it lasts,
 * and never dead-lettered. Counted in {@code runnel_dead_letters_total} by topic and consumer.
 */
final class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    /** How many times a record is handled before it is dead-lettered. */
    static final int MAX_TRIES = 5;

    private final String bootstrap;
    private final String consumer;
    private KafkaProducer<String, String> producer;

    DeadLetters(String bootstrap, String consumer) {
        this.bootstrap = bootstrap;
        this.consumer = consumer;
    }

    /** Whether a failure is the platform's (the database or the broker away), not the record's. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof ConnectException || t instanceof RetriableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")
                    || sql.getSQLState().equals("53300"))) {
                return true; // connection lost or refused, the server shutting down, too many connections
            }
            if (t.getMessage() != null && t.getMessage().contains("Acquisition timeout")) {
                return true; // the pool could not get a connection
            }
        }
        return false;
    }

    /** Puts the record on {@code dead-letters}; false when that could not be done (it is tried again later). */
    boolean send(ConsumerRecord<String, String> record, RuntimeException failure) {
        ProducerRecord<String, String> letter = new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(), record.value());
        for (Header header : record.headers()) {
            letter.headers().add(header);
        }
        add(letter, "dead-letter-topic", record.topic());
        add(letter, "dead-letter-partition", String.valueOf(record.partition()));
        add(letter, "dead-letter-offset", String.valueOf(record.offset()));
        add(letter, "dead-letter-reason", String.valueOf(failure.getMessage()));
        add(letter, "dead-letter-cause", failure.getClass().getName());
        add(letter, "dead-letter-consumer", consumer);
        try {
            producer().send(letter).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("%s: cannot dead-letter %s-%d@%d now (%s); it is tried again", consumer, record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return false;
        }
        Metrics.globalRegistry.counter("runnel_dead_letters", "topic", record.topic(), "consumer", consumer).increment();
        LOG.errorf("%s: %s-%d@%d failed %d times and went to %s: %s", consumer, record.topic(), record.partition(),
                record.offset(), MAX_TRIES, Topics.DEAD_LETTERS, failure);
        return true;
    }

    private static void add(ProducerRecord<String, String> letter, String name, String value) {
        letter.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = KafkaClients.producer(bootstrap, Map.of("max.block.ms", "5000"));
        }
        return producer;
    }

    void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(2));
        }
    }
}
