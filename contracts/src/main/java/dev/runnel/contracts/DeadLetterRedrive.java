package dev.runnel.contracts;

import java.time.Instant;

/**
 * An administrator's order to hand a dead letter back to the consumer that gave it up, on
 * {@link Topics#DEAD_LETTER_REDRIVES} (written by execution-service only). The consumer reads the record
 * again from its own topic at {@code topic}/{@code partition}/{@code offset} and handles it once more:
 * the letter is only where to look, so a letter nobody can vouch for redrives nothing that was not
 * on the topic (ADR 18).
 */
public record DeadLetterRedrive(
        String eventId,
        String letterId,
        String consumer,
        String topic,
        int partition,
        long offset,
        String requestedBy,
        Instant timestamp) {

    public static final String SCHEMA = "schemas/dead-letter-redrive.v1.json";
}
