package dev.runnel.execution.sweep;

import dev.runnel.execution.ExecutionConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Keeps executions moving: dispatches retries whose backoff passed, fails executions past their
 * timeout, resets the executions of lost replicas, and sends again work nobody took.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final Sweeps executions;
    private final ExecutionConfig config;
    private volatile boolean running = true;
    private final Instant startedAt = Instant.now();
    private Thread thread;

    public Sweeper(Sweeps executions, ExecutionConfig config) {
        this.executions = executions;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::run, "execution-sweeper");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(config.sweepInterval().toMillis());
                executions.dispatchDueRetries();
                executions.failTimedOut();
                // after a restart, heartbeats need a while to catch up before a silent replica counts as lost
                if (Instant.now().isAfter(startedAt.plus(config.replicaLostAfter()))) {
                    executions.resetLostReplicas();
                }
                executions.redispatchStale();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("sweep failed: %s", e.getMessage());
            }
        }
    }
}
