package dev.runnel.kit.outbox;

import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Appends events to the outbox table in the caller's transaction, so that an event exists exactly
 * when the change it describes was committed. {@link OutboxPublisher} sends them to Kafka.
 */
@ApplicationScoped
public class Outbox {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final OutboxPublisher publisher;

    public Outbox(Db db, OutboxPublisher publisher) {
        this.db = db;
        this.publisher = publisher;
    }

    /** A new event id, for the caller to put in the payload too. */
    public static String newEventId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Appends one message.
     *
     * @param payload the JSON value, or null for a tombstone
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(String topic, String key, String eventId, String payload) {
        db.update("INSERT INTO outbox (topic, msg_key, payload, event_id, traceparent) VALUES (?, ?, ?, ?, ?)",
                topic, key, payload, eventId, newTraceparent());
        db.afterCommit(publisher::wake);
    }

    static String newTraceparent() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
