package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.ExecutionEvent;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import dev.runnel.execution.ExecutionConfig;
import dev.runnel.execution.spec.SpecStore;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.kit.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import dev.runnel.execution.dispatch.Waiters;
import dev.runnel.execution.dispatch.WorkDispatcher;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of executions: creation (validated, written, then dispatched when the write commits),
 * the status replicas report, retries, termination, rerun. The execution row is the truth and the
 * outbox of its work item (ADR 0007); every change is announced on {@code execution-events}.
 */
@ApplicationScoped
public class ExecutionService {

    private final Db db;
    private final Outbox outbox;
    private final SpecStore specs;
    private final ExecutionConfig config;
    private final Waiters waiters;
    private final WorkDispatcher work;
    private final TransactionSynchronizationRegistry transactions;
    private final RecentRows recent;

    public ExecutionService(Db db, Outbox outbox, SpecStore specs, ExecutionConfig config, Waiters waiters,
                            WorkDispatcher work, TransactionSynchronizationRegistry transactions, RecentRows recent) {
        this.db = db;
        this.recent = recent;
        this.outbox = outbox;
        this.specs = specs;
        this.config = config;
        this.waiters = waiters;
        this.work = work;
        this.transactions = transactions;
    }

    /** What a client asks to run. */
    public record Create(String functionName, String projectId, JsonNode input, String idempotencyKey) {
    }

    /**
     * Creates an execution, or returns the one already created with the same idempotency key. A
     * refusal ({@link ApiException}) comes before any write, so it leaves a surrounding transaction
     * (a batch of execution-requests) usable.
     *
     * @param id the new execution's id ({@link Ids#next()}; a caller that waits for it registers first)
     * @param caller who asks, or null for an internal request (execution-requests), already trusted
     */
    @Transactional(dontRollbackOn = ApiException.class)
    public ExecutionDoc create(String id, String serviceId, Create request, Caller caller, String creator,
                               String triggerId, JsonNode event) {
        SpecStore.Known known = specs.find(serviceId).filter(k -> !k.deleted())
                .orElseThrow(() -> ApiException.notFound("service", serviceId));
        ServiceSpec spec = known.spec();
        if (caller != null) {
            caller.mayWrite(spec.projectId(), () -> ApiException.notFound("service", serviceId));
        }
        if (request.projectId() != null && !request.projectId().equals(spec.projectId())) {
            throw ApiException.invalid("projectId", "service " + serviceId + " belongs to project " + spec.projectId());
        }
        if (request.idempotencyKey() != null) {
            Optional<ExecutionDoc> existing = byIdempotencyKey(serviceId, request.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        if (!spec.active()) {
            throw ApiException.conflict("service " + spec.name() + " is inactive; resume it to run its functions");
        }
        String functionName = request.functionName() == null ? "run" : request.functionName();
        Module.Function function = spec.module().function(functionName).orElseThrow(() -> ApiException.invalid(
                "functionName", "module '" + spec.module().name() + "' has no function '" + functionName + "'"));
        ObjectNode input = InputValidator.check(function, request.input());
        Instant now = now();
        StatusEntry created = new StatusEntry(now, "created", null, 0, null, null);
        ExecutionDoc doc = new ExecutionDoc(id, now, now, creator, 1, spec.maxAttempts(), false, input, null,
                List.of(created), created, null, spec.projectId(), functionName, serviceId, triggerId, spec.name(),
                spec.packageId(), spec.packageName(), spec.packageRevision(), spec.version(), null, event);
        Instant deadline = now.plusSeconds(spec.executionTimeout());
        try {
            String json = Db.json(doc);
            String version = db.one("INSERT INTO executions (id, project_id, service_id, function_name, trigger_id, status,"
                    + " attempts, max_attempts, idempotency_key, deadline, dispatched_at, created_at, updated_at, doc)"
                    + " VALUES (?, ?, ?, ?, ?, 'created', 1, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) RETURNING xmin::text",
                    rs -> rs.getString(1), doc.id(), doc.projectId(), serviceId, functionName, triggerId,
                    doc.maxAttempts(), request.idempotencyKey(), deadline, now, now, now, json).orElseThrow();
            recent.rememberAtCommit(new RecentRows.Row(doc, null, null, version, json.length()));
        } catch (Db.DbException e) {
            if (e.isUniqueViolation() && request.idempotencyKey() != null) {
                transactions.setRollbackOnly(); // the failed insert ended the database transaction
                throw ApiException.conflict("an execution with this idempotency key is being created; retry");
            }
            throw e;
        }
        dispatch(doc, 1, deadline);
        announce(doc, ExecutionEvent.Type.created);
        return doc;
    }

    public ExecutionDoc get(String id, Caller caller) {
        ExecutionDoc doc = load(id).orElseThrow(() -> ApiException.notFound("execution", id));
        caller.mayRead(doc.projectId(), () -> ApiException.notFound("execution", id));
        return doc;
    }

    public Optional<ExecutionDoc> load(String id) {
        return db.one("SELECT doc::text FROM executions WHERE id = ?", rs -> Db.fromJson(rs.getString(1),
                ExecutionDoc.class), id);
    }

    /** Asks the replica to stop the call; one not yet started ends {@code terminated} at once. */
    @Transactional
    public ExecutionDoc terminate(String id, Caller caller) {
        ExecutionDoc doc = lock(id);
        caller.mayWrite(doc.projectId(), () -> ApiException.notFound("execution", id));
        if (doc.isTerminal() || doc.toTerminate()) {
            return doc;
        }
        if (doc.currentStatus().equals("created")) {
            return finish(null, doc, new StatusEntry(now(), "terminated", "terminated before it started", null, null, null),
                    doc.attempts(), null);
        }
        ExecutionDoc next = doc.withTerminate();
        save(null, next, "to_terminate = true");
        int attempt = doc.attempts();
        String eventId = Outbox.newEventId();
        outbox.append(Topics.RUNNER_CONTROL, doc.serviceId(), eventId, Db.json(new RunnerControl(eventId,
                RunnerControl.Type.terminate, doc.serviceId(), id, attempt, now())));
        return next;
    }

    /** Runs a finished execution again, on the service's current spec. */
    @Transactional
    public ExecutionDoc rerun(String id, Caller caller) {
        ExecutionDoc doc = get(id, caller);
        if (!doc.isTerminal()) {
            throw ApiException.conflict("execution " + id + " is still " + doc.currentStatus() + "; rerun a finished one");
        }
        return create(Ids.next(), doc.serviceId(), new Create(doc.functionName(), doc.projectId(), doc.input(), null), caller,
                caller.username(), doc.triggerId(), doc.event());
    }

    /** Progress reported over REST (by the function's own code, as Dataloop's SDK does), for the current attempt. */
    @Transactional
    public ExecutionDoc reportProgress(String id, Integer percentComplete, String message, Caller caller) {
        ExecutionDoc doc = get(id, caller);
        caller.mayWrite(doc.projectId(), () -> ApiException.notFound("execution", id));
        if (percentComplete != null && (percentComplete < 0 || percentComplete > 100)) {
            throw ApiException.invalid("percentComplete", "must be between 0 and 100");
        }
        if (doc.isTerminal()) {
            throw ApiException.conflict("execution " + id + " has ended (" + doc.currentStatus() + ")");
        }
        apply(new ExecutionStatusUpdate(Outbox.newEventId(), id, doc.attempts(), null, "in-progress", percentComplete,
                message, null, null, now(), null));
        return load(id).orElseThrow();
    }

    /**
     * Applies what a replica reports about an attempt; stale and late reports change nothing. A
     * report read twice changes nothing the second time either (the same progress does not apply
     * again, a terminal execution takes no report, a failed attempt was already counted), so status
     * reports need no record of handled event ids.
     *
     * <p>An execution this instance wrote last is updated as it remembers it, guarded by the row's
     * version ({@link RecentRows}); when the row changed since, or when the report would change nothing
     * (which memory alone must not decide), the report is applied to the row read under a lock.
     */
    @Transactional
    public void apply(ExecutionStatusUpdate update) {
        Optional<RecentRows.Row> remembered = recent.get(update.executionId());
        if (remembered.isPresent()) {
            try {
                if (applyTo(remembered.get(), update)) {
                    return;
                }
            } catch (RecentRows.Stale changedSince) {
                // another transaction wrote the row since it was remembered: nothing was written
            }
        }
        db.one("SELECT doc::text, last_percent, replica_id FROM executions WHERE id = ? FOR UPDATE",
                rs -> {
                    String json = rs.getString(1);
                    return new RecentRows.Row(Db.fromJson(json, ExecutionDoc.class), (Integer) rs.getObject(2),
                            rs.getString(3), null, json.length());
                }, update.executionId()).ifPresent(row -> applyTo(row, update));
    }

    /** Applies a report to a row; false when it writes nothing. */
    private boolean applyTo(RecentRows.Row row, ExecutionStatusUpdate update) {
        ExecutionDoc doc = row.doc();
        if (doc.isTerminal() || update.attempt() != doc.attempts()) {
            return false;
        }
        Instant at = update.timestamp() == null ? now() : update.timestamp();
        if (update.startedAt() != null && doc.currentStatus().equals("created") && !update.status().equals("in-progress")) {
            // a call that ended before its replica reported it running: its in-progress entry, at its start
            doc = doc.with(new StatusEntry(update.startedAt(), "in-progress", "running on " + update.replicaId(),
                    doc.latestStatus().percentComplete(), null, null), doc.attempts(), doc.toTerminate(), doc.output(),
                    null);
        }
        switch (update.status()) {
            case "in-progress" -> {
                return progress(row, update, at);
            }
            case "success" -> finish(row.version(), doc, new StatusEntry(at, "success", update.message(), 100, null,
                    update.output()), doc.attempts(), update.output());
            case "terminated" -> finish(row.version(), doc, new StatusEntry(at, "terminated", update.message() == null
                    ? "terminated on request" : update.message(), null, null, null), doc.attempts(), null);
            case "failed" -> failAttempt(row.version(), doc, errorOf(update), at);
            default -> {
                return false; // unknown statuses from a newer runner are ignored
            }
        }
        return true;
    }

    private boolean progress(RecentRows.Row row, ExecutionStatusUpdate update, Instant at) {
        ExecutionDoc doc = row.doc();
        String replica = update.replicaId() != null ? update.replicaId() : row.replicaId();
        boolean statusChanges = !doc.currentStatus().equals("in-progress");
        boolean messageChanges = update.message() != null && !update.message().equals(doc.latestStatus().message());
        boolean progressApplies = Progress.applies(row.lastPercent(), update.percentComplete());
        if (!statusChanges && !messageChanges && !progressApplies) {
            if (replica == null || replica.equals(row.replicaId())) {
                return false;
            }
            String version = db.one("UPDATE executions SET replica_id = ? WHERE id = ?" + guard(row.version())
                    + " RETURNING xmin::text", rs -> rs.getString(1), guarded(row.version(), replica, doc.id()))
                    .orElseThrow(RecentRows.Stale::new);
            recent.rememberAtCommit(new RecentRows.Row(doc, row.lastPercent(), replica, version, row.docChars()));
            return true;
        }
        Integer percent = progressApplies ? update.percentComplete() : doc.latestStatus().percentComplete();
        Integer lastPercent = progressApplies ? percent : row.lastPercent();
        ExecutionDoc next = doc.with(new StatusEntry(at, "in-progress", update.message(), percent, null, null),
                doc.attempts(), doc.toTerminate(), doc.output(), null);
        Saved saved = save(row.version(), next, "status = 'in-progress', replica_id = ?, last_percent = ?", replica,
                lastPercent);
        recent.rememberAtCommit(new RecentRows.Row(next, lastPercent, replica, saved.version(), saved.docChars()));
        if (statusChanges) {
            announce(next, ExecutionEvent.Type.changed);
        }
        return true;
    }

    /**
     * A failed attempt: retried with backoff while attempts remain, else the execution fails.
     *
     * @param version the row version to write over ({@link RecentRows}), or null for a row locked here
     */
    private ExecutionDoc failAttempt(String version, ExecutionDoc doc, JsonNode error, Instant at) {
        String why = error.path("message").asText("the attempt failed");
        if (doc.attempts() < doc.maxAttempts() && !doc.toTerminate()) {
            int next = doc.attempts() + 1;
            Duration backoff = config.retryBackoff().multipliedBy(1L << Math.min(doc.attempts() - 1, 5));
            if (backoff.compareTo(Duration.ofMinutes(1)) > 0) {
                backoff = Duration.ofMinutes(1);
            }
            ExecutionDoc retried = doc.with(new StatusEntry(at, "in-progress", "attempt " + doc.attempts() + " of "
                    + doc.maxAttempts() + " failed (" + why + "); retrying", doc.latestStatus().percentComplete(), error,
                    null), next, false, null, null);
            Saved saved = save(version, retried, "status = 'in-progress', attempts = ?, replica_id = NULL,"
                    + " last_percent = NULL, dispatch_after = ?", next, now().plus(backoff));
            recent.rememberAtCommit(new RecentRows.Row(retried, null, null, saved.version(), saved.docChars()));
            announce(retried, ExecutionEvent.Type.changed);
            return retried;
        }
        return finish(version, doc, new StatusEntry(at, "failed", why, null, error, null), doc.attempts(), null);
    }

    /** Dispatches the retries whose backoff has passed. */
    @Transactional
    public int dispatchDueRetries() {
        List<String> due = db.list("SELECT id FROM executions WHERE status = 'in-progress' AND dispatch_after <= now()"
                + " ORDER BY dispatch_after LIMIT 200 FOR UPDATE SKIP LOCKED", rs -> rs.getString(1));
        for (String id : due) {
            ExecutionDoc doc = lock(id);
            Instant deadline = now().plusSeconds(timeoutOf(doc));
            db.update("UPDATE executions SET dispatch_after = NULL, dispatched_at = now(), deadline = ?,"
                    + " replica_id = NULL WHERE id = ?", deadline, id);
            dispatch(doc, doc.attempts(), deadline);
        }
        return due.size();
    }

    /** Fails executions that ran past their service's executionTimeout, and tells the replica to stop. */
    @Transactional
    public int failTimedOut() {
        List<String> late = db.list("SELECT id FROM executions WHERE status IN ('created', 'in-progress')"
                + " AND dispatch_after IS NULL AND deadline < now() LIMIT 200 FOR UPDATE SKIP LOCKED", rs -> rs.getString(1));
        for (String id : late) {
            ExecutionDoc doc = lock(id);
            String eventId = Outbox.newEventId();
            outbox.append(Topics.RUNNER_CONTROL, doc.serviceId(), eventId, Db.json(new RunnerControl(eventId,
                    RunnerControl.Type.terminate, doc.serviceId(), id, doc.attempts(), now())));
            String why = "execution timed out after " + timeoutOf(doc) + " seconds";
            finish(null, doc, new StatusEntry(now(), "failed", why, null, errorNode("TimeoutError", why), null),
                    doc.attempts(), null);
        }
        return late.size();
    }

    /** Executions in flight on a lost replica follow their service's onReset: a new attempt, or failure. */
    @Transactional
    public int resetLostReplicas() {
        List<String> lost = db.list("SELECT e.id FROM executions e JOIN replicas r ON r.replica_id = e.replica_id"
                + " WHERE e.status = 'in-progress' AND e.dispatch_after IS NULL AND r.last_seen < ?"
                + " LIMIT 200 FOR UPDATE OF e SKIP LOCKED", rs -> rs.getString(1), now().minus(config.replicaLostAfter()));
        for (String id : lost) {
            ExecutionDoc doc = lock(id);
            String replica = db.one("SELECT replica_id FROM executions WHERE id = ?", rs -> rs.getString(1), id).orElse("?");
            String onReset = specs.find(doc.serviceId()).map(k -> k.spec().onReset()).orElse("failed");
            String why = "replica " + replica + " was lost while running attempt " + doc.attempts();
            if (onReset.equals("rerun") && !doc.toTerminate()) {
                int next = doc.attempts() + 1;
                ExecutionDoc again = doc.with(new StatusEntry(now(), "in-progress", why + "; running it again", null,
                        errorNode("ReplicaLost", why), null), next, false, null, null);
                save(null, again, "attempts = ?, replica_id = NULL, last_percent = NULL, dispatch_after = now()", next);
                announce(again, ExecutionEvent.Type.changed);
            } else {
                finish(null, doc, new StatusEntry(now(), "failed", why, null, errorNode("ReplicaLost", why), null),
                        doc.attempts(), null);
            }
        }
        return lost.size();
    }

    /**
     * Sends again the work no replica has taken for too long: its send was lost (a crash right after
     * the commit, Kafka away), or every replica that read it went away before reporting.
     */
    @Transactional
    public int redispatchStale() {
        List<String> stale = db.list("SELECT id FROM executions WHERE status IN ('created', 'in-progress')"
                + " AND replica_id IS NULL AND dispatch_after IS NULL AND dispatched_at < ?"
                + " LIMIT 200 FOR UPDATE SKIP LOCKED", rs -> rs.getString(1), now().minus(config.redispatchAfter()));
        for (String id : stale) {
            ExecutionDoc doc = lock(id);
            db.update("UPDATE executions SET dispatched_at = now() WHERE id = ?", id);
            dispatch(doc, doc.attempts(), db.one("SELECT deadline FROM executions WHERE id = ?",
                    rs -> rs.getTimestamp(1).toInstant(), id).orElse(now()));
        }
        return stale.size();
    }

    /** Ends an execution; {@code version} as in {@link #failAttempt}. */
    private ExecutionDoc finish(String version, ExecutionDoc doc, StatusEntry entry, int attempts, JsonNode output) {
        double duration = Duration.between(doc.createdAt(), entry.timestamp()).toMillis() / 1000.0;
        ExecutionDoc done = doc.with(entry, attempts, doc.toTerminate(), output, duration);
        save(version, done, "status = ?, dispatch_after = NULL", entry.status());
        recent.forgetAtCommit(done.id());
        announce(done, ExecutionEvent.Type.finished);
        // waiters on this instance wake at commit; those on others hear the finished event
        db.afterCommit(() -> waiters.wake(done.id(), done));
        return done;
    }

    /** What {@link #save} wrote: the row's new version, and the size of the document's JSON. */
    private record Saved(String version, int docChars) {
    }

    /**
     * Writes the document, its {@code updated_at}, and {@code columns} (a SET list) with their parameters.
     * With a {@code version}, only over that version of the row: else nothing is written and
     * {@link RecentRows.Stale} says so.
     */
    private Saved save(String version, ExecutionDoc doc, String columns, Object... parameters) {
        String json = Db.json(doc);
        Object[] all = java.util.Arrays.copyOf(parameters, parameters.length + 3);
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
        Object[] all = java.util.Arrays.copyOf(parameters, parameters.length + 1);
        all[parameters.length] = version;
        return all;
    }

    private ExecutionDoc lock(String id) {
        return db.one("SELECT doc::text FROM executions WHERE id = ? FOR UPDATE", rs -> Db.fromJson(rs.getString(1),
                ExecutionDoc.class), id).orElseThrow(() -> ApiException.notFound("execution", id));
    }

    private Optional<ExecutionDoc> byIdempotencyKey(String serviceId, String key) {
        return db.one("SELECT doc::text FROM executions WHERE service_id = ? AND idempotency_key = ?",
                rs -> Db.fromJson(rs.getString(1), ExecutionDoc.class), serviceId, key);
    }

    private void dispatch(ExecutionDoc doc, int attempt, Instant deadline) {
        work.afterCommit(new WorkItem(Outbox.newEventId(), doc.id(), attempt, doc.serviceId(), doc.serviceVersion(),
                doc.functionName(), doc.input(), doc.triggerId(), doc.event(), deadline));
    }

    private void announce(ExecutionDoc doc, ExecutionEvent.Type type) {
        String eventId = Outbox.newEventId();
        outbox.append(Topics.EXECUTION_EVENTS, doc.id(), eventId, Db.json(new ExecutionEvent(eventId, type, doc.id(),
                doc.serviceId(), doc.projectId(), doc.functionName(), doc.currentStatus(), doc.attempts(), now())));
    }

    private int timeoutOf(ExecutionDoc doc) {
        return specs.find(doc.serviceId()).map(k -> k.spec().executionTimeout()).orElse(3600);
    }

    private static JsonNode errorOf(ExecutionStatusUpdate update) {
        ExecutionStatusUpdate.Error error = update.error();
        return error == null ? errorNode("Error", update.message() == null ? "the attempt failed" : update.message())
                : dev.runnel.contracts.Json.mapper().valueToTree(error);
    }

    static JsonNode errorNode(String type, String message) {
        return dev.runnel.contracts.Json.mapper().createObjectNode().put("type", type).put("message", message);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
