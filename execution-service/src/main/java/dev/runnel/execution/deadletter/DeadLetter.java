package dev.runnel.execution.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A record some consumer of the platform gave up on: where it was ({@code topic}, {@code partition},
 * {@code offset}), who gave it up and why, when, and how often it was sent back. {@code value} is the
 * record as it was, in {@code GET /dead-letters/{id}} only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, String consumer, String topic, int partition, long offset, String key,
                         String reason, String cause, Instant diedAt, int redrives, Instant redrivenAt,
                         String redrivenBy, String value) {

    DeadLetter withoutValue() {
        return new DeadLetter(id, consumer, topic, partition, offset, key, reason, cause, diedAt, redrives, redrivenAt,
                redrivenBy, null);
    }

    /** Whether a consumer named itself on the letter: letters of SmallRye's channels do not, and go back to no one. */
    boolean redrivable() {
        return consumer != null && !consumer.isBlank();
    }
}
