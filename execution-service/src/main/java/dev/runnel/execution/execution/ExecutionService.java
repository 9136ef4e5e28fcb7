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

    public ExecutionService(Db db, Outbox outbox, SpecStore specs, ExecutionConfig config, Waiters waiters,
                            WorkDispatcher work, TransactionSynchronizationRegistry transactions) {
        this.db = db;
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
            db.update("INSERT INTO executions (id, project_id, service_id, function_name, trigger_id, status, attempts,"
                    + " max_attempts, idempotency_key, deadline, dispatched_at, created_at, updated_at, doc)"
                    + " VALUES (?, ?, ?, ?, ?, 'created', 1, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))", doc.id(), doc.projectId(),
                    serviceId, functionName, triggerId, doc.maxAttempts(), request.idempotencyKey(), deadline, now, now,
                    now, Db.json(doc));
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
            return finish(doc, new StatusEntry(now(), "terminated", "terminated before it started", null, null, null),
                    doc.attempts(), null);
        }
        ExecutionDoc next = doc.withTerminate();
        save(next, "to_terminate = true");
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

    /** An execution row locked for an update, with the columns beside its JSON. */
    private record Locked(ExecutionDoc doc, Integer lastPercent, String replicaId) {
    }

    /**
     * Applies what a replica reports about an attempt; stale and late reports change nothing. A
     * report read twice changes nothing the second time either (the same progress does not apply
     * again, a terminal execution takes no report, a failed attempt was already counted), so status
     * reports need no record of handled event ids.
     */
    @Transactional
    public void apply(ExecutionStatusUpdate update) {
        Optional<Locked> found = db.one("SELECT doc::text, last_percent, replica_id FROM executions WHERE id = ?"
                + " FOR UPDATE", rs -> new Locked(Db.fromJson(rs.getString(1), ExecutionDoc.class),
                (Integer) rs.getObject(2), rs.getString(3)), update.executionId());
        if (found.isEmpty()) {
            return;
        }
        ExecutionDoc doc = found.get().doc();
        if (doc.isTerminal() || update.attempt() != doc.attempts()) {
            return;
        }
        Instant at = update.timestamp() == null ? now() : update.timestamp();
        if (update.startedAt() != null && doc.currentStatus().equals("created") && !update.status().equals("in-progress")) {
            // a call that ended before its replica reported it running: its in-progress entry, at its start
            doc = doc.with(new StatusEntry(update.startedAt(), "in-progress", "running on " + update.replicaId(),
                    doc.latestStatus().percentComplete(), null, null), doc.attempts(), doc.toTerminate(), doc.output(),
                    null);
        }
        switch (update.status()) {
            case "in-progress" -> progress(found.get(), update, at);
            case "success" -> finish(doc, new StatusEntry(at, "success", update.message(), 100, null, update.output()),
                    doc.attempts(), update.output());
            case "terminated" -> finish(doc, new StatusEntry(at, "terminated", update.message() == null
                    ? "terminated on request" : update.message(), null, null, null), doc.attempts(), null);
            case "failed" -> failAttempt(doc, errorOf(update), at);
            default -> {
                // unknown statuses from a newer runner are ignored
            }
        }
    }

    private void progress(Locked row, ExecutionStatusUpdate update, Instant at) {
        ExecutionDoc doc = row.doc();
        String replica = update.replicaId() != null ? update.replicaId() : row.replicaId();
        boolean statusChanges = !doc.currentStatus().equals("in-progress");
        boolean messageChanges = update.message() != null && !update.message().equals(doc.latestStatus().message());
        boolean progressApplies = Progress.applies(row.lastPercent(), update.percentComplete());
        if (!statusChanges && !messageChanges && !progressApplies) {
            if (replica != null && !replica.equals(row.replicaId())) {
                db.update("UPDATE executions SET replica_id = ? WHERE id = ?", replica, doc.id());
            }
            return;
        }
        Integer percent = progressApplies ? update.percentComplete() : doc.latestStatus().percentComplete();
        ExecutionDoc next = doc.with(new StatusEntry(at, "in-progress", update.message(), percent, null, null),
                doc.attempts(), doc.toTerminate(), doc.output(), null);
        save(next, "status = 'in-progress', replica_id = ?, last_percent = ?", replica,
                progressApplies ? percent : row.lastPercent());
        if (statusChanges) {
            announce(next, ExecutionEvent.Type.changed);
        }
    }

    /** A failed attempt: retried with backoff while attempts remain, else the execution fails. */
    public ExecutionDoc failAttempt(ExecutionDoc doc, JsonNode error, Instant at) {
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
            save(retried, "status = 'in-progress', attempts = ?, replica_id = NULL, last_percent = NULL,"
                    + " dispatch_after = ?", next, now().plus(backoff));
            announce(retried, ExecutionEvent.Type.changed);
            return retried;
        }
        return finish(doc, new StatusEntry(at, "failed", why, null, error, null), doc.attempts(), null);
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
            finish(doc, new StatusEntry(now(), "failed", why, null, errorNode("TimeoutError", why), null),
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
                save(again, "attempts = ?, replica_id = NULL, last_percent = NULL, dispatch_after = now()", next);
                announce(again, ExecutionEvent.Type.changed);
            } else {
                finish(doc, new StatusEntry(now(), "failed", why, null, errorNode("ReplicaLost", why), null),
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

    private ExecutionDoc finish(ExecutionDoc doc, StatusEntry entry, int attempts, JsonNode output) {
        double duration = Duration.between(doc.createdAt(), entry.timestamp()).toMillis() / 1000.0;
        ExecutionDoc done = doc.with(entry, attempts, doc.toTerminate(), output, duration);
        save(done, "status = ?, dispatch_after = NULL", entry.status());
        announce(done, ExecutionEvent.Type.finished);
        // waiters on this instance wake at commit; those on others hear the finished event
        db.afterCommit(() -> waiters.wake(done.id(), done));
        return done;
    }

    /** Writes the document, its {@code updated_at}, and {@code columns} (a SET list) with their parameters. */
    private void save(ExecutionDoc doc, String columns, Object... parameters) {
        Object[] all = java.util.Arrays.copyOf(parameters, parameters.length + 3);
        all[parameters.length] = doc.updatedAt();
        all[parameters.length + 1] = Db.json(doc);
        all[parameters.length + 2] = doc.id();
        db.update("UPDATE executions SET " + columns + ", updated_at = ?, doc = CAST(? AS jsonb) WHERE id = ?", all);
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
