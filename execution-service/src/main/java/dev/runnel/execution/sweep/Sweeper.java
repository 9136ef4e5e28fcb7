package dev.runnel.execution.sweep;

import dev.runnel.execution.ExecutionConfig;
import dev.runnel.execution.consume.Consumers;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Keeps executions moving: dispatches retries whose backoff passed, fails executions past their
 * timeout, resets the executions of lost replicas, and sends again work nobody took.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final Sweeps executions;
    private final Consumers consumers;
    private final ExecutionConfig config;
    private volatile boolean running = true;
    private Thread thread;

    public Sweeper(Sweeps executions, Consumers consumers, ExecutionConfig config) {
        this.executions = executions;
        this.consumers = consumers;
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
                // a replica is lost when it was silent while this instance could hear it: not while the
                // broker or the database was away, and not before the heartbeats caught up after that
                // (or after this instance started); else a bus outage would run every call again
                if (consumers.heartbeatsHeardFor().compareTo(config.replicaLostAfter()) >= 0) {
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
