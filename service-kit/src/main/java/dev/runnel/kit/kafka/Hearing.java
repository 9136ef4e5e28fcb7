package dev.runnel.kit.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Since when a loop has been hearing its topics without a break: once a second the loop asks the
 * partitions' leaders where the partitions end, and it hears them while that answer comes and it has
 * handled at least what was there at the previous ask. A broker that is away, a partition without a
 * leader, or a handler that cannot keep up (the database away) breaks it. Silence is only news while a
 * loop hears: a replica that sent no heartbeat while the broker was down was not silent, only unheard.
 * Loops nobody asks spend nothing on it; the loop's thread checks after each poll's handling.
 */
final class Hearing {

    static final long ASK_EVERY_MS = 1000;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private volatile boolean asked;
    /** The start of the unbroken stretch of hearing, in System.nanoTime(), or 0 while not hearing. */
    private volatile long since;
    private long askedAt;
    private Map<TopicPartition, Long> previousEnds;

    /** Nanoseconds of unbroken hearing (0 while not hearing); from now on the loop checks. */
    long heardForNanos() {
        asked = true;
        long start = since;
        return start == 0 ? 0 : System.nanoTime() - start;
    }

    /** After a poll's handling: the consumer's positions count only what was handled. */
    void check(KafkaConsumer<String, String> consumer) {
        long now = System.nanoTime();
        if (!asked || now - askedAt < ASK_EVERY_MS * 1_000_000) {
            return;
        }
        askedAt = now;
        if (consumer.assignment().isEmpty()) {
            broken();
            return;
        }
        Map<TopicPartition, Long> ends;
        boolean caughtUp;
        try {
            ends = consumer.endOffsets(consumer.assignment(), ANSWER_WITHIN);
            caughtUp = handledUpTo(consumer, previousEnds, ends);
        } catch (WakeupException closing) {
            throw closing;
        } catch (KafkaException unanswered) { // a timeout, no leader, the broker away
            broken();
            return;
        }
        previousEnds = ends;
        if (!caughtUp) {
            since = 0;
        } else if (since == 0) {
            since = now;
        }
    }

    /** Whether the loop handled what its partitions held at the previous ask (and still has those partitions). */
    private static boolean handledUpTo(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> previous,
                                       Map<TopicPartition, Long> ends) {
        if (previous == null || !previous.keySet().equals(ends.keySet())) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : previous.entrySet()) {
            if (consumer.position(end.getKey(), ANSWER_WITHIN) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The loop could not hear: its handler keeps failing, or the broker does not answer. */
    void broken() {
        since = 0;
        previousEnds = null;
    }
}
