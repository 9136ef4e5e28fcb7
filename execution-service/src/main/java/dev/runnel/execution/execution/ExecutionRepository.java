package dev.runnel.execution.execution;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of executions: the {@code executions} rows (the document and the columns the sweeps and
 * lists select on). A write given a row {@code version} (its {@code xmin}) only lands over that
 * version of the row, and {@link RecentRows.Stale} says when it did not; a write with no version is
 * for a row locked in the same transaction.
 */
@ApplicationScoped
public class ExecutionRepository {

    /** At most this many rows per sweep and transaction. */
    private static final int SWEEP_BATCH = 200;

    private final Db db;

    public ExecutionRepository(Db db) {
        this.db = db;
    }

    /** What a write left: the row's new version, and the size of the document's JSON. */
    public record Saved(String version, int docChars) {
    }

    /** A page of the executions in {@code projects} (null: all) that {@code query} selects. */
    public Page<ExecutionDoc> query(DocumentQuery query, Collection<String> projects) {
        return query.run(db, "executions", projects, ExecutionDoc.class);
    }

    /** Writes a new execution ({@code created}); returns its row version. */
    Saved insert(ExecutionDoc doc, String idempotencyKey, Instant deadline) {
        String json = Db.json(doc);
        String version = db.one("INSERT INTO executions (id, project_id, service_id, function_name, trigger_id, status,"
                + " attempts, max_attempts, idempotency_key, deadline, dispatched_at, created_at, updated_at, doc)"
                + " VALUES (?, ?, ?, ?, ?, 'created', 1, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) RETURNING xmin::text",
                rs -> rs.getString(1), doc.id(), doc.projectId(), doc.serviceId(), doc.functionName(), doc.triggerId(),
                doc.maxAttempts(), idempotencyKey, deadline, doc.createdAt(), doc.createdAt(), doc.createdAt(), json)
                .orElseThrow();
        return new Saved(version, json.length());
    }

    public Optional<ExecutionDoc> find(String id) {
        return db.one("SELECT doc::text FROM executions WHERE id = ?", rs -> Db.fromJson(rs.getString(1),
                ExecutionDoc.class), id);
    }

    Optional<ExecutionDoc> findByIdempotencyKey(String serviceId, String key) {
        return db.one("SELECT doc::text FROM executions WHERE service_id = ? AND idempotency_key = ?",
                rs -> Db.fromJson(rs.getString(1), ExecutionDoc.class), serviceId, key);
    }

    /** The execution, locked until the transaction ends. */
    public ExecutionDoc lock(String id) {
        return db.one("SELECT doc::text FROM executions WHERE id = ? FOR UPDATE", rs -> Db.fromJson(rs.getString(1),
                ExecutionDoc.class), id).orElseThrow(() -> Refusal.notFound("execution", id));
    }

    /** The execution with its last applied progress and replica, locked until the transaction ends. */
    Optional<RecentRows.Row> lockRow(String id) {
        return db.one("SELECT doc::text, last_percent, replica_id FROM executions WHERE id = ? FOR UPDATE",
                rs -> {
                    String json = rs.getString(1);
                    return new RecentRows.Row(Db.fromJson(json, ExecutionDoc.class), (Integer) rs.getObject(2),
                            rs.getString(3), null, json.length());
                }, id);
    }

    /** A running attempt's report: the document, its replica and its last applied progress. */
    Saved saveProgress(String version, ExecutionDoc doc, String replicaId, Integer lastPercent) {
        return save(version, doc, "status = 'in-progress', replica_id = ?, last_percent = ?", replicaId, lastPercent);
    }

    /** The replica of a running attempt, with nothing else changed; returns the row's new version. */
    String saveReplica(String version, String id, String replicaId) {
        return db.one("UPDATE executions SET replica_id = ? WHERE id = ?" + guard(version) + " RETURNING xmin::text",
                rs -> rs.getString(1), guarded(version, replicaId, id)).orElseThrow(RecentRows.Stale::new);
    }

    /** A retry: the next attempt waits for no replica until {@code dispatchAfter}. */
    Saved saveRetry(String version, ExecutionDoc doc, Instant dispatchAfter) {
        return save(version, doc, "status = 'in-progress', attempts = ?, replica_id = NULL, last_percent = NULL,"
                + " dispatch_after = ?", doc.attempts(), dispatchAfter);
    }

    /** An attempt started again at once, on another replica, after its replica was lost. */
    Saved saveRestart(ExecutionDoc doc) {
        return save(null, doc, "attempts = ?, replica_id = NULL, last_percent = NULL, dispatch_after = now()",
                doc.attempts());
    }

    /** The end of an execution, in a terminal status. */
    Saved saveFinished(String version, ExecutionDoc doc) {
        return save(version, doc, "status = ?, dispatch_after = NULL", doc.currentStatus().json());
    }

    /** A running execution asked to terminate. */
    Saved saveTerminating(ExecutionDoc doc) {
        return save(null, doc, "to_terminate = true");
    }

    /** Locks the retries whose backoff has passed. */
    public List<String> lockDueRetries() {
        return db.list("SELECT id FROM executions WHERE status = 'in-progress' AND dispatch_after <= now()"
                + " ORDER BY dispatch_after LIMIT " + SWEEP_BATCH + " FOR UPDATE SKIP LOCKED", rs -> rs.getString(1));
    }

    /** A retry sent now, with its new deadline. */
    public void markRetryDispatched(String id, Instant deadline) {
        db.update("UPDATE executions SET dispatch_after = NULL, dispatched_at = now(), deadline = ?,"
                + " replica_id = NULL WHERE id = ?", deadline, id);
    }

    /** Locks the executions past their deadline. */
    public List<String> lockTimedOut() {
        return db.list("SELECT id FROM executions WHERE status IN ('created', 'in-progress')"
                + " AND dispatch_after IS NULL AND deadline < now() LIMIT " + SWEEP_BATCH
                + " FOR UPDATE SKIP LOCKED", rs -> rs.getString(1));
    }

    /** Locks the running executions whose replica was last seen before {@code seenBefore}. */
    public List<String> lockOnReplicasSilentSince(Instant seenBefore) {
        return db.list("SELECT e.id FROM executions e JOIN replicas r ON r.replica_id = e.replica_id"
                + " WHERE e.status = 'in-progress' AND e.dispatch_after IS NULL AND r.last_seen < ?"
                + " LIMIT " + SWEEP_BATCH + " FOR UPDATE OF e SKIP LOCKED", rs -> rs.getString(1), seenBefore);
    }

    public Optional<String> replicaOf(String id) {
        return db.one("SELECT replica_id FROM executions WHERE id = ?", rs -> rs.getString(1), id);
    }

    /** Locks the executions that no replica took since they were sent before {@code dispatchedBefore}. */
    public List<String> lockUntakenSince(Instant dispatchedBefore) {
        return db.list("SELECT id FROM executions WHERE status IN ('created', 'in-progress')"
                + " AND replica_id IS NULL AND dispatch_after IS NULL AND dispatched_at < ?"
                + " LIMIT " + SWEEP_BATCH + " FOR UPDATE SKIP LOCKED", rs -> rs.getString(1), dispatchedBefore);
    }

    /** An execution sent again now; returns its deadline. */
    public Instant markRedispatched(String id) {
        return db.one("UPDATE executions SET dispatched_at = now() WHERE id = ? RETURNING deadline",
                rs -> rs.getTimestamp(1).toInstant(), id).orElseThrow(() -> Refusal.notFound("execution", id));
    }

    /**
     * Writes the document, its {@code updated_at}, and {@code columns} (a SET list) with their parameters,
     * over {@code version} of the row when there is one.
     */
    private Saved save(String version, ExecutionDoc doc, String columns, Object... parameters) {
        String json = Db.json(doc);
        Object[] all = Arrays.copyOf(parameters, parameters.length + 3);
        all[parameters.length] = doc.updatedAt();
        all[parameters.length + 1] = json;
        all[parameters.length + 2] = doc.id();
        return db.one("UPDATE executions SET " + columns + ", updated_at = ?, doc = CAST(? AS jsonb) WHERE id = ?"
                + guard(version) + " RETURNING xmin::text", rs -> new Saved(rs.getString(1), json.length()),
                guarded(version, all)).orElseThrow(RecentRows.Stale::new);
    }

    /** The condition that a row is still at {@code version}; none for a row locked here (null). */
    private static String guard(String version) {
        return version == null ? "" : " AND xmin::text = ?";
    }

    /** The parameters of a statement, with the version last when there is one (see {@link #guard}). */
    private static Object[] guarded(String version, Object... parameters) {
        if (version == null) {
            return parameters;
        }
        Object[] all = Arrays.copyOf(parameters, parameters.length + 1);
        all[parameters.length] = version;
        return all;
    }

    /** How many executions of the project are open (created or in progress). */
    public long openIn(String projectId) {
        return db.count("SELECT count(*) FROM executions WHERE project_id = ? AND status IN ('created', 'in-progress')",
                projectId);
    }

    /** Records a message's event id; false when it was recorded before (the message was handled). */
    public boolean firstTime(String eventId) {
        return db.update("INSERT INTO processed_events (event_id) VALUES (?) ON CONFLICT DO NOTHING", eventId) == 1;
    }

    /** Records that a replica is alive and what it is running. */
    public void seen(String replicaId, String serviceId, Object inFlight) {
        db.update("INSERT INTO replicas (replica_id, service_id, last_seen, in_flight) VALUES (?, ?, now(),"
                + " CAST(? AS jsonb)) ON CONFLICT (replica_id) DO UPDATE SET last_seen = now(),"
                + " in_flight = excluded.in_flight", replicaId, serviceId, Db.json(inFlight));
    }

    /** Appends one log line of an execution. */
    public void log(String executionId, String serviceId, Instant at, String level, String message) {
        db.update("INSERT INTO execution_logs (execution_id, service_id, at, level, message) VALUES (?, ?, ?, ?, ?)",
                executionId, serviceId, at, level, message);
    }
}
