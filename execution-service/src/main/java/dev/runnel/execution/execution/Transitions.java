package dev.runnel.execution.execution;

import static dev.runnel.contracts.ExecutionStatus.FAILED;
import static dev.runnel.contracts.ExecutionStatus.IN_PROGRESS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ExecutionEvent;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import dev.runnel.execution.ExecutionConfig;
import dev.runnel.execution.dispatch.WorkDispatcher;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The moves every path of an execution shares, inside the caller's transaction: sending an attempt
 * to its work topic when the transaction commits, retrying or failing an attempt, ending an
 * execution (and waking its waiters), telling a replica to stop, and announcing each change on
 * {@code execution-events}.
 */
@ApplicationScoped
public class Transitions {

    private final ExecutionRepository executions;
    private final Outbox outbox;
    private final ExecutionConfig config;
    private final Waiters waiters;
    private final WorkDispatcher work;
    private final RecentRows recent;
    private final Db db;
    private final AttemptProofs proofs;

    public Transitions(ExecutionRepository executions, Outbox outbox, ExecutionConfig config, Waiters waiters,
                       WorkDispatcher work, RecentRows recent, Db db, AttemptProofs proofs) {
        this.proofs = proofs;
        this.executions = executions;
        this.outbox = outbox;
        this.config = config;
        this.waiters = waiters;
        this.work = work;
        this.recent = recent;
        this.db = db;
    }

    /**
     * A failed attempt: retried with backoff while attempts remain, else the execution fails.
     *
     * @param version the row version to write over ({@link RecentRows}), or null for a row locked here
     */
    ExecutionDoc failAttempt(String version, ExecutionDoc doc, JsonNode error, Instant at) {
        String why = error.path("message").asText("the attempt failed");
        if (doc.attempts() < doc.maxAttempts() && !doc.toTerminate()) {
            Duration backoff = config.retryBackoff().multipliedBy(1L << Math.min(doc.attempts() - 1, 5));
            if (backoff.compareTo(Duration.ofMinutes(1)) > 0) {
                backoff = Duration.ofMinutes(1);
            }
            ExecutionDoc retried = doc.with(new StatusEntry(at, IN_PROGRESS, "attempt " + doc.attempts() + " of "
                    + doc.maxAttempts() + " failed (" + why + "); retrying", doc.latestStatus().percentComplete(), error,
                    null), doc.attempts() + 1, false, null, null);
            ExecutionRepository.Saved saved = executions.saveRetry(version, retried, now().plus(backoff));
            recent.rememberAtCommit(new RecentRows.Row(retried, null, null, saved.version(), saved.docChars()));
            announce(retried, ExecutionEvent.Type.changed);
            return retried;
        }
        return finish(version, doc, new StatusEntry(at, FAILED, why, null, error, null), doc.attempts(), null);
    }

    /** Starts the next attempt at once, on any replica (the last one's replica was lost). */
    public ExecutionDoc restart(ExecutionDoc doc, String why, JsonNode error) {
        ExecutionDoc again = doc.with(new StatusEntry(now(), IN_PROGRESS, why, null, error, null), doc.attempts() + 1,
                false, null, null);
        executions.saveRestart(again);
        announce(again, ExecutionEvent.Type.changed);
        return again;
    }

    /** Ends an execution; {@code version} as in {@link #failAttempt}. */
    public ExecutionDoc finish(String version, ExecutionDoc doc, StatusEntry entry, int attempts, JsonNode output) {
        double duration = Duration.between(doc.createdAt(), entry.timestamp()).toMillis() / 1000.0;
        ExecutionDoc done = doc.with(entry, attempts, doc.toTerminate(), output, duration);
        executions.saveFinished(version, done);
        recent.forgetAtCommit(done.id());
        announce(done, ExecutionEvent.Type.finished);
        // waiters on this instance wake at commit; those on others hear the finished event
        db.afterCommit(() -> waiters.wake(done.id(), done));
        return done;
    }

    /** Sends an attempt to the service's work topic once the transaction commits. */
    public void dispatch(ExecutionDoc doc, int attempt, Instant deadline) {
        work.afterCommit(new WorkItem(Outbox.newEventId(), doc.id(), attempt, doc.serviceId(), doc.serviceVersion(),
                doc.functionName(), doc.input(), doc.triggerId(), doc.event(), deadline, proofs.of(doc.id(), attempt)));
    }

    /** Asks the replicas of the execution's service to stop its current attempt. */
    public void stopOnReplica(ExecutionDoc doc) {
        String eventId = Outbox.newEventId();
        outbox.append(Topics.RUNNER_CONTROL, doc.serviceId(), eventId, Db.json(new RunnerControl(eventId,
                RunnerControl.Type.terminate, doc.serviceId(), doc.id(), doc.attempts(), now())));
    }

    public void announce(ExecutionDoc doc, ExecutionEvent.Type type) {
        String eventId = Outbox.newEventId();
        outbox.append(Topics.EXECUTION_EVENTS, doc.id(), eventId, Db.json(new ExecutionEvent(eventId, type, doc.id(),
                doc.serviceId(), doc.projectId(), doc.functionName(), doc.currentStatus(), doc.attempts(), now())));
    }

    public static JsonNode errorNode(String type, String message) {
        return Json.mapper().createObjectNode().put("type", type).put("message", message);
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
