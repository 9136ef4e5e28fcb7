package dev.runnel.execution.sweep;

import static dev.runnel.contracts.ExecutionStatus.FAILED;

import dev.runnel.contracts.OnReset;
import dev.runnel.execution.ExecutionConfig;
import dev.runnel.execution.execution.ExecutionDoc;
import dev.runnel.execution.execution.ExecutionRepository;
import dev.runnel.execution.execution.StatusEntry;
import dev.runnel.execution.execution.Transitions;
import dev.runnel.execution.spec.SpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * The four sweeps that keep executions moving, each one transaction over at most a batch of rows
 * that other instances skip: retries whose backoff passed, executions past their timeout, executions
 * on lost replicas, and work nobody took.
 */
@ApplicationScoped
public class Sweeps {

    private final ExecutionRepository executions;
    private final Transitions transitions;
    private final SpecStore specs;
    private final ExecutionConfig config;

    public Sweeps(ExecutionRepository executions, Transitions transitions, SpecStore specs, ExecutionConfig config) {
        this.executions = executions;
        this.transitions = transitions;
        this.specs = specs;
        this.config = config;
    }

    /** Dispatches the retries whose backoff has passed. */
    @Transactional
    public int dispatchDueRetries() {
        List<String> due = executions.lockDueRetries();
        for (String id : due) {
            ExecutionDoc doc = executions.lock(id);
            Instant deadline = Transitions.now().plusSeconds(timeoutOf(doc));
            executions.markRetryDispatched(id, deadline);
            transitions.dispatch(doc, doc.attempts(), deadline);
        }
        return due.size();
    }

    /** Fails executions that ran past their service's executionTimeout, and tells the replica to stop. */
    @Transactional
    public int failTimedOut() {
        List<String> late = executions.lockTimedOut();
        for (String id : late) {
            ExecutionDoc doc = executions.lock(id);
            transitions.stopOnReplica(doc);
            String why = "execution timed out after " + timeoutOf(doc) + " seconds";
            transitions.finish(null, doc, new StatusEntry(Transitions.now(), FAILED, why, null,
                    Transitions.errorNode("TimeoutError", why), null), doc.attempts(), null);
        }
        return late.size();
    }

    /** Executions in flight on a lost replica follow their service's onReset: a new attempt, or failure. */
    @Transactional
    public int resetLostReplicas() {
        List<String> lost = executions.lockOnReplicasSilentSince(Transitions.now().minus(config.replicaLostAfter()));
        for (String id : lost) {
            ExecutionDoc doc = executions.lock(id);
            String replica = executions.replicaOf(id).orElse("?");
            OnReset onReset = specs.find(doc.serviceId()).map(k -> k.spec().onReset()).orElse(OnReset.FAILED);
            String why = "replica " + replica + " was lost while running attempt " + doc.attempts();
            if (onReset == OnReset.RERUN && !doc.toTerminate()) {
                transitions.restart(doc, why + "; running it again", Transitions.errorNode("ReplicaLost", why));
            } else {
                transitions.finish(null, doc, new StatusEntry(Transitions.now(), FAILED, why, null,
                        Transitions.errorNode("ReplicaLost", why), null), doc.attempts(), null);
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
        List<String> stale = executions.lockUntakenSince(Transitions.now().minus(config.redispatchAfter()));
        for (String id : stale) {
            ExecutionDoc doc = executions.lock(id);
            transitions.dispatch(doc, doc.attempts(), executions.markRedispatched(id));
        }
        return stale.size();
    }

    private int timeoutOf(ExecutionDoc doc) {
        return specs.find(doc.serviceId()).map(k -> k.spec().executionTimeout()).orElse(3600);
    }
}
