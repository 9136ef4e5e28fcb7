package dev.runnel.execution.deadletter;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code dead_letters}. */
@ApplicationScoped
public class DeadLetterRepository {

    private static final String COLUMNS = "id, consumer, topic, partition, record_offset, record_key, reason, cause,"
            + " died_at, redrives, redriven_at, redriven_by";

    private final Db db;

    public DeadLetterRepository(Db db) {
        this.db = db;
    }

    /** Keeps a letter read from the topic; one read twice is kept once. */
    void keep(DeadLetter letter) {
        db.update("INSERT INTO dead_letters (" + COLUMNS + ", value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?)"
                + " ON CONFLICT (id) DO NOTHING", letter.id(), letter.consumer(), letter.topic(), letter.partition(),
                letter.offset(), letter.key(), letter.reason(), letter.cause(), letter.diedAt(), letter.value());
    }

    /** A page of letters, newest first, of {@code topic} and {@code consumer} when given. */
    Page<DeadLetter> list(String topic, String consumer, PageRequest page) {
        List<Object> params = new ArrayList<>();
        String where = where(topic, consumer, params);
        long total = db.count("SELECT count(*) FROM dead_letters" + where, params.toArray());
        params.add(page.pageSize());
        params.add(page.offset());
        List<DeadLetter> items = db.list("SELECT " + COLUMNS + ", NULL FROM dead_letters" + where
                + " ORDER BY died_at DESC, seq DESC LIMIT ? OFFSET ?", DeadLetterRepository::letter, params.toArray());
        return Page.of(items, total, page);
    }

    /** The letters of {@code topic} and {@code consumer} (when given) not sent back since they came, locked. */
    List<DeadLetter> lockNeverRedriven(String topic, String consumer, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(topic, consumer, params) + (params.isEmpty() ? " WHERE" : " AND") + " redrives = 0";
        params.add(limit);
        return db.list("SELECT " + COLUMNS + ", NULL FROM dead_letters" + where + " ORDER BY died_at, seq LIMIT ?"
                + " FOR UPDATE", DeadLetterRepository::letter, params.toArray());
    }

    Optional<DeadLetter> find(String id) {
        return db.one("SELECT " + COLUMNS + ", value FROM dead_letters WHERE id = ?", DeadLetterRepository::letter, id);
    }

    Optional<DeadLetter> lock(String id) {
        return db.one("SELECT " + COLUMNS + ", NULL FROM dead_letters WHERE id = ? FOR UPDATE",
                DeadLetterRepository::letter, id);
    }

    void redriven(String id, Instant at, String by) {
        db.update("UPDATE dead_letters SET redrives = redrives + 1, redriven_at = ?, redriven_by = ? WHERE id = ?",
                at, by, id);
    }

    private static String where(String topic, String consumer, List<Object> params) {
        List<String> conditions = new ArrayList<>();
        if (topic != null) {
            conditions.add("topic = ?");
            params.add(topic);
        }
        if (consumer != null) {
            conditions.add("consumer = ?");
            params.add(consumer);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static DeadLetter letter(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getTimestamp(9).toInstant(), rs.getInt(10),
                rs.getTimestamp(11) == null ? null : rs.getTimestamp(11).toInstant(), rs.getString(12), rs.getString(13));
    }
}
