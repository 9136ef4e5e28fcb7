package dev.runnel.execution.execution;

import static dev.runnel.contracts.ExecutionStatus.CREATED;
import static dev.runnel.contracts.ExecutionStatus.IN_PROGRESS;
import static dev.runnel.contracts.ExecutionStatus.SUCCESS;
import static dev.runnel.contracts.ExecutionStatus.TERMINATED;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ExecutionEvent;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;

/**
 * Applies what replicas (and functions, over REST) report about an attempt: progress, success,
 * failure, termination. execution-service decides what the execution's status becomes; stale and
 * late reports change nothing.
 */
@ApplicationScoped
public class StatusReports {

    private final ExecutionRepository executions;
    private final Transitions transitions;
    private final RecentRows recent;

    public StatusReports(ExecutionRepository executions, Transitions transitions, RecentRows recent) {
        this.executions = executions;
        this.transitions = transitions;
        this.recent = recent;
    }

    /**
     * Applies a report. A report read twice changes nothing the second time (the same progress does
     * not apply again, a terminal execution takes no report, a failed attempt was already counted), so
     * status reports need no record of handled event ids.
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
        executions.lockRow(update.executionId()).ifPresent(row -> applyTo(row, update));
    }

    /** Applies a report to a row; false when it writes nothing. */
    private boolean applyTo(RecentRows.Row row, ExecutionStatusUpdate update) {
        ExecutionDoc doc = row.doc();
        if (update.status() == null || doc.isTerminal() || update.attempt() != doc.attempts()) {
            return false; // unknown statuses (from a newer runner), ended executions and stale attempts change nothing
        }
        Instant at = update.timestamp() == null ? Transitions.now() : update.timestamp();
        if (update.startedAt() != null && doc.currentStatus() == CREATED && update.status() != IN_PROGRESS) {
            // a call that ended before its replica reported it running: its in-progress entry, at its start
            doc = doc.with(new StatusEntry(update.startedAt(), IN_PROGRESS, "running on " + update.replicaId(),
                    doc.latestStatus().percentComplete(), null, null), doc.attempts(), doc.toTerminate(), doc.output(),
                    null);
        }
        switch (update.status()) {
            case IN_PROGRESS -> {
                return progress(row, update, at);
            }
            case SUCCESS -> transitions.finish(row.version(), doc, new StatusEntry(at, SUCCESS, update.message(), 100,
                    null, update.output()), doc.attempts(), update.output());
            case TERMINATED -> transitions.finish(row.version(), doc, new StatusEntry(at, TERMINATED,
                    update.message() == null ? "terminated on request" : update.message(), null, null, null),
                    doc.attempts(), null);
            case FAILED -> transitions.failAttempt(row.version(), doc, errorOf(update), at);
            default -> {
                return false; // a replica reports no other status
            }
        }
        return true;
    }

    private boolean progress(RecentRows.Row row, ExecutionStatusUpdate update, Instant at) {
        ExecutionDoc doc = row.doc();
        String replica = update.replicaId() != null ? update.replicaId() : row.replicaId();
        boolean statusChanges = doc.currentStatus() != IN_PROGRESS;
        boolean messageChanges = update.message() != null && !update.message().equals(doc.latestStatus().message());
        boolean progressApplies = Progress.applies(row.lastPercent(), update.percentComplete());
        if (!statusChanges && !messageChanges && !progressApplies) {
            if (replica == null || replica.equals(row.replicaId())) {
                return false;
            }
            String version = executions.saveReplica(row.version(), doc.id(), replica);
            recent.rememberAtCommit(new RecentRows.Row(doc, row.lastPercent(), replica, version, row.docChars()));
            return true;
        }
        Integer percent = progressApplies ? update.percentComplete() : doc.latestStatus().percentComplete();
        Integer lastPercent = progressApplies ? percent : row.lastPercent();
        ExecutionDoc next = doc.with(new StatusEntry(at, IN_PROGRESS, update.message(), percent, null, null),
                doc.attempts(), doc.toTerminate(), doc.output(), null);
        ExecutionRepository.Saved saved = executions.saveProgress(row.version(), next, replica, lastPercent);
        recent.rememberAtCommit(new RecentRows.Row(next, lastPercent, replica, saved.version(), saved.docChars()));
        if (statusChanges) {
            transitions.announce(next, ExecutionEvent.Type.changed);
        }
        return true;
    }

    private static JsonNode errorOf(ExecutionStatusUpdate update) {
        ExecutionStatusUpdate.Error error = update.error();
        return error == null ? Transitions.errorNode("Error", update.message() == null ? "the attempt failed"
                : update.message()) : Json.mapper().valueToTree(error);
    }
}
