package dev.runnel.trigger.trigger;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of triggers: their rows, statistics, cron state and Once records. A name already taken in
 * the service fails as a {@link Db.DbException} that {@link Db.DbException#isUniqueViolation is a
 * unique violation}; the caller decides what that means.
 */
@ApplicationScoped
public class TriggerRepository {

    private static final String WITH_STATS = "SELECT t.doc::text, s.fired, s.own_events_ignored, s.chains_stopped"
            + " FROM triggers t LEFT JOIN trigger_stats s ON s.trigger_id = t.id";

    private final Db db;

    public TriggerRepository(Db db) {
        this.db = db;
    }

    /** A trigger that fires from service JSON ({@code fromSpec}) or was made by hand; a cron trigger's clock starts at {@code cronFrom}. */
    void insert(TriggerDoc doc, boolean fromSpec, Instant cronFrom) {
        db.update("INSERT INTO triggers (id, project_id, service_id, name, type, active, created_at, updated_at, doc,"
                + " from_spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?)", doc.id(), doc.projectId(),
                doc.serviceId(), doc.name(), doc.type().name(), doc.active(), doc.createdAt(), doc.updatedAt(),
                Db.json(doc), fromSpec);
        db.update("INSERT INTO trigger_stats (trigger_id) VALUES (?)", doc.id());
        if (cronFrom != null) {
            db.update("INSERT INTO cron_state (trigger_id, last_fire_at) VALUES (?, ?)", doc.id(), cronFrom);
        }
    }

    void update(TriggerDoc doc) {
        db.update("UPDATE triggers SET name = ?, active = ?, updated_at = ?, doc = CAST(? AS jsonb) WHERE id = ?",
                doc.name(), doc.active(), doc.updatedAt(), Db.json(doc), doc.id());
    }

    void delete(String id) {
        db.update("DELETE FROM once_fired WHERE trigger_id = ?", id);
        db.update("DELETE FROM triggers WHERE id = ?", id);
    }

    /** The trigger with its statistics. */
    public Optional<TriggerDoc> find(String id) {
        return db.one(WITH_STATS + " WHERE t.id = ?", TriggerRepository::withStats, id);
    }

    TriggerDoc lock(String id) {
        return db.one("SELECT doc::text FROM triggers WHERE id = ? FOR UPDATE",
                rs -> Db.fromJson(rs.getString(1), TriggerDoc.class), id)
                .orElseThrow(() -> Refusal.notFound("trigger", id));
    }

    /** A page of the triggers whose {@code column} (service_id or project_id) is {@code value}, newest first. */
    Page<TriggerDoc> page(String column, String value, PageRequest page) {
        String where = " WHERE t." + column + " = ?";
        long total = db.count("SELECT count(*) FROM triggers t" + where, value);
        List<TriggerDoc> items = db.list(WITH_STATS + where + " ORDER BY t.created_at DESC, t.id DESC LIMIT "
                + page.pageSize() + " OFFSET " + page.offset(), TriggerRepository::withStats, value);
        return Page.of(items, total, page);
    }

    /** A page of the triggers in {@code projects} (null: all) that {@code query} selects. */
    public Page<TriggerDoc> query(DocumentQuery query, Collection<String> projects) {
        return query.run(db, "triggers", projects, TriggerDoc.class);
    }

    /** The names of the triggers of a service made by hand (not from its JSON). */
    Set<String> namesMadeByHand(String serviceId, String projectId) {
        return new HashSet<>(db.list("SELECT name FROM triggers WHERE service_id = ? AND project_id = ? AND NOT from_spec",
                rs -> rs.getString(1), serviceId, projectId));
    }

    /** A trigger of a service, by name: its id and whether it came from the service's JSON. */
    public record Named(String id, String name, boolean fromSpec) {
    }

    /** The triggers of a service, locked until the transaction ends. */
    public List<Named> lockOfService(String serviceId) {
        return db.list("SELECT id, name, from_spec FROM triggers WHERE service_id = ? FOR UPDATE",
                rs -> new Named(rs.getString(1), rs.getString(2), rs.getBoolean(3)), serviceId);
    }

    /** When a cron trigger last fired, if it is one. */
    public Optional<Instant> lastFire(String triggerId) {
        return db.one("SELECT last_fire_at FROM cron_state WHERE trigger_id = ?", rs -> rs.getTimestamp(1).toInstant(),
                triggerId);
    }

    /** Moves a cron trigger's last firing on from {@code from}; false when another replica did first. */
    public boolean moveLastFire(String triggerId, Instant from, Instant to) {
        return db.update("UPDATE cron_state SET last_fire_at = ? WHERE trigger_id = ? AND last_fire_at = ?",
                to, triggerId, from) > 0;
    }

    /** Records that a Once trigger ran for a resource; false when it had before. */
    public boolean firstFiringFor(String triggerId, String resourceId, String eventId) {
        return db.update("INSERT INTO once_fired (trigger_id, resource_id, event_id) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING", triggerId, resourceId, eventId) > 0;
    }

    /** What a trigger did or its loop guard stopped. */
    public enum Stat {
        FIRED("fired"), OWN_EVENT_IGNORED("own_events_ignored"), CHAIN_STOPPED("chains_stopped");

        private final String column;

        Stat(String column) {
            this.column = column;
        }
    }

    public void count(String triggerId, Stat stat) {
        db.update("UPDATE trigger_stats SET " + stat.column + " = " + stat.column + " + 1 WHERE trigger_id = ?",
                triggerId);
    }

    private static TriggerDoc withStats(ResultSet rs) throws SQLException {
        return Db.fromJson(rs.getString(1), TriggerDoc.class).withStats(new TriggerDoc.Stats(rs.getLong(2),
                rs.getLong(3), rs.getLong(4)));
    }
}
