package dev.runnel.kit.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Whether a loop has handled every record that was in its partitions when it was first asked: a loop
 * that reads a compacted topic from its start then knows its whole state. Loops nobody asks spend
 * nothing on it; the loop's thread checks after each poll's handling.
 */
final class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class);

    private volatile boolean asked;
    /** The ends of the partitions assigned when first asked, as they were then. */
    private Map<TopicPartition, Long> ends;
    private volatile boolean caughtUp;

    /** Whether it caught up; from now on the loop checks. */
    boolean ask() {
        asked = true;
        return caughtUp;
    }

    /** A reader whose topics do not exist yet when asked has nothing to catch up with. */
    void nothingToRead() {
        if (asked && ends == null) {
            caughtUp = true;
        }
    }

    /** After a poll's handling: the consumer's positions already count what the poll returned. */
    void check(KafkaConsumer<String, String> consumer, String name) {
        if (caughtUp || !asked) {
            return;
        }
        try {
            if (ends == null) {
                if (consumer.assignment().isEmpty()) {
                    return;
                }
                ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
            }
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (consumer.assignment().contains(end.getKey())
                        && consumer.position(end.getKey(), Duration.ofSeconds(5)) < end.getValue()) {
                    return;
                }
            }
            caughtUp = true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debugf("%s: cannot tell yet whether it caught up (%s)", name, e.getMessage());
        }
    }
}
