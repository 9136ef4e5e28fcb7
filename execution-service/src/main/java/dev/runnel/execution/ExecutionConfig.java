package dev.runnel.execution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How execution-service dispatches, retries and watches executions. */
@ConfigMapping(prefix = "runnel.execution")
public interface ExecutionConfig {

    /** Wait before the first retry of a failed attempt; doubles with each attempt, up to a minute. */
    @WithDefault("2s")
    Duration retryBackoff();

    /** A replica silent for this long is lost: its executions follow their service's onReset. */
    @WithDefault("20s")
    Duration replicaLostAfter();

    /** Dispatch again an execution no replica has taken after this long. */
    @WithDefault("60s")
    Duration redispatchAfter();

    /** How often the sweeper looks for due retries, timeouts and lost replicas. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Longest wait a client may ask of {@code wait} and {@code ?wait=true}. */
    @WithDefault("600s")
    Duration maxWait();
}
