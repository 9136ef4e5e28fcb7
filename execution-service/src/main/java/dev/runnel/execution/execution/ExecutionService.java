package dev.runnel.execution.execution;

import static dev.runnel.contracts.ExecutionStatus.CREATED;
import static dev.runnel.contracts.ExecutionStatus.IN_PROGRESS;
import static dev.runnel.contracts.ExecutionStatus.TERMINATED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.ExecutionEvent;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.execution.spec.SpecStore;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What callers ask of executions: create one (validated, written, then dispatched when the write
 * commits), read it, terminate it, run it again, report its progress. The execution row is the truth
 * and the outbox of its work item (ADR 0007); every change is announced on {@code execution-events}.
 */
@ApplicationScoped
public class ExecutionService {

    private final ExecutionRepository executions;
    private final SpecStore specs;
    private final Transitions transitions;
    private final StatusReports reports;
    private final TransactionSynchronizationRegistry transactions;
    private final RecentRows recent;
    private final RunningLimit running;

    public ExecutionService(ExecutionRepository executions, SpecStore specs, Transitions transitions,
                            StatusReports reports, TransactionSynchronizationRegistry transactions, RecentRows recent,
                            RunningLimit running) {
        this.running = running;
        this.executions = executions;
        this.specs = specs;
        this.transitions = transitions;
        this.reports = reports;
        this.transactions = transactions;
        this.recent = recent;
    }

    /** What a client asks to run. */
    public record Create(String functionName, String projectId, JsonNode input, String idempotencyKey) {
    }

    /**
     * Creates an execution, or returns the one already created with the same idempotency key. A
     * {@link Refusal} comes before any write, so it leaves a surrounding transaction (a batch of
     * execution-requests) usable.
     *
     * @param id the new execution's id ({@link Ids#next()}; a caller that waits for it registers first)
     * @param caller who asks, or null for an internal request (execution-requests), already trusted
     */
    @Transactional(dontRollbackOn = Refusal.class)
    public ExecutionDoc create(String id, String serviceId, Create request, Caller caller, String creator,
                               String triggerId, JsonNode event) {
        SpecStore.Known known = specs.find(serviceId).filter(k -> !k.deleted())
                .orElseThrow(() -> Refusal.notFound("service", serviceId));
        ServiceSpec spec = known.spec();
        if (caller != null) {
            caller.mayWrite(spec.projectId(), () -> Refusal.notFound("service", serviceId));
        }
        if (request.projectId() != null && !request.projectId().equals(spec.projectId())) {
            throw Refusal.invalid("projectId", "service " + serviceId + " belongs to project " + spec.projectId());
        }
        if (request.idempotencyKey() != null) {
            Optional<ExecutionDoc> existing = executions.findByIdempotencyKey(serviceId, request.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        if (!spec.active()) {
            throw Refusal.conflict("service " + spec.name() + " is inactive; resume it to run its functions");
        }
        String functionName = request.functionName() == null ? "run" : request.functionName();
        Module.Function function = spec.module().function(functionName).orElseThrow(() -> Refusal.invalid(
                "functionName", "module '" + spec.module().name() + "' has no function '" + functionName + "'"));
        ObjectNode input = InputValidator.check(function, request.input());
        running.admit(spec.projectId());
        Instant now = Transitions.now();
        StatusEntry created = new StatusEntry(now, CREATED, null, 0, null, null);
        ExecutionDoc doc = new ExecutionDoc(id, now, now, creator, 1, spec.maxAttempts(), false, input, null,
                List.of(created), created, null, spec.projectId(), functionName, serviceId, triggerId, spec.name(),
                spec.packageId(), spec.packageName(), spec.packageRevision(), spec.version(), null, event);
        Instant deadline = now.plusSeconds(spec.executionTimeout());
        try {
            ExecutionRepository.Saved saved = executions.insert(doc, request.idempotencyKey(), deadline);
            recent.rememberAtCommit(new RecentRows.Row(doc, null, null, saved.version(), saved.docChars()));
        } catch (Db.DbException e) {
            if (e.isUniqueViolation() && request.idempotencyKey() != null) {
                transactions.setRollbackOnly(); // the failed insert ended the database transaction
                throw Refusal.conflict("an execution with this idempotency key is being created; retry");
            }
            throw e;
        }
        transitions.dispatch(doc, 1, deadline);
        transitions.announce(doc, ExecutionEvent.Type.created);
        return doc;
    }

    public ExecutionDoc get(String id, Caller caller) {
        ExecutionDoc doc = executions.find(id).orElseThrow(() -> Refusal.notFound("execution", id));
        caller.mayRead(doc.projectId(), () -> Refusal.notFound("execution", id));
        return doc;
    }

    /** Asks the replica to stop the call; one not yet started ends {@code terminated} at once. */
    @Transactional
    public ExecutionDoc terminate(String id, Caller caller) {
        ExecutionDoc doc = executions.lock(id);
        caller.mayWrite(doc.projectId(), () -> Refusal.notFound("execution", id));
        if (doc.isTerminal() || doc.toTerminate()) {
            return doc;
        }
        if (doc.currentStatus() == CREATED) {
            return transitions.finish(null, doc, new StatusEntry(Transitions.now(), TERMINATED,
                    "terminated before it started", null, null, null), doc.attempts(), null);
        }
        ExecutionDoc next = doc.withTerminate();
        executions.saveTerminating(next);
        transitions.stopOnReplica(doc);
        return next;
    }

    /** Runs a finished execution again, on the service's current spec. */
    @Transactional
    public ExecutionDoc rerun(String id, Caller caller) {
        ExecutionDoc doc = get(id, caller);
        if (!doc.isTerminal()) {
            throw Refusal.conflict("execution " + id + " is still " + doc.currentStatus() + "; rerun a finished one");
        }
        return create(Ids.next(), doc.serviceId(), new Create(doc.functionName(), doc.projectId(), doc.input(), null),
                caller, caller.username(), doc.triggerId(), doc.event());
    }

    /** Progress reported over REST (by the function's own code, as Dataloop's SDK does), for the current attempt. */
    @Transactional
    public ExecutionDoc reportProgress(String id, Integer percentComplete, String message, Caller caller) {
        ExecutionDoc doc = get(id, caller);
        caller.mayWrite(doc.projectId(), () -> Refusal.notFound("execution", id));
        if (percentComplete != null && (percentComplete < 0 || percentComplete > 100)) {
            throw Refusal.invalid("percentComplete", "must be between 0 and 100");
        }
        if (doc.isTerminal()) {
            throw Refusal.conflict("execution " + id + " has ended (" + doc.currentStatus() + ")");
        }
        reports.apply(new ExecutionStatusUpdate(Outbox.newEventId(), id, doc.attempts(), null, IN_PROGRESS,
                percentComplete, message, null, null, Transitions.now(), null, null));
        return executions.find(id).orElseThrow();
    }
}
