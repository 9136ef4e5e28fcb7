package dev.runnel.execution.execution;

import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How many executions of a project may be open (created or in progress) at once, the admin's limit
 * {@code runnel.quota.concurrent-executions}. Creating an execution is the hot path, so the open
 * executions are not counted at each one: each instance counts a project's at most once per
 * {@link #RECOUNT} and adds the ones it created since. The limit is kept to within what the other
 * instances create in that time. The default leaves room for a pipeline's batch (thousands queued
 * at once is what a data team does); it bounds what one project can pile onto the shared platform.
 */
@ApplicationScoped
public class RunningLimit {

    static final Duration RECOUNT = Duration.ofSeconds(1);

    private final ExecutionRepository executions;
    private final int limit;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /** The open executions counted at {@code at} (nanoTime), and those created here since. */
    private record Count(long open, long at, long since) {
    }

    public RunningLimit(ExecutionRepository executions,
                        @ConfigProperty(name = "runnel.quota.concurrent-executions", defaultValue = "100000") int limit) {
        this.executions = executions;
        this.limit = limit;
    }

    /** Counts one more open execution of the project, or refuses it over the limit. */
    void admit(String projectId) {
        long now = System.nanoTime();
        Count known = counts.get(projectId);
        if (known == null || now - known.at() > RECOUNT.toNanos()) {
            // counted outside the map's lock: the count is a query, and other projects must not wait on it
            long open = executions.openIn(projectId);
            counts.compute(projectId, (project, current) -> current == null || current.at() < now
                    ? new Count(open, now, 0) : current);
        }
        boolean[] admitted = {false};
        Count count = counts.computeIfPresent(projectId, (project, current) -> {
            if (current.open() + current.since() >= limit) {
                return current;
            }
            admitted[0] = true;
            return new Count(current.open(), current.at(), current.since() + 1);
        });
        if (!admitted[0]) {
            throw Refusal.overQuota("concurrent-executions", "project " + projectId, "open executions",
                    count.open() + count.since(), 1, limit);
        }
    }
}
