package dev.runnel.kit.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** How a service's outbox reaches Kafka. */
@ConfigMapping(prefix = "runnel.outbox")
public interface OutboxConfig {

    /**
     * The topics this service publishes to, created before the first publish if missing, with their
     * cleanup policy: {@code delete} or {@code compact}.
     */
    Map<String, String> topics();

    /** Partitions of the topics the outbox creates. */
    @WithDefault("3")
    int partitions();

    /** How long one publish may take before the outbox retries it later. */
    @WithDefault("10s")
    Duration sendTimeout();

    /**
     * How long a publish run waits after the commit that woke it, so that the events the next commits
     * append go out with it: one read, one Kafka request and one delete for all of them, instead of one
     * of each per commit, and no publish run beside the requests that are still being answered. The
     * price is this much latency on every event; 0 publishes at once.
     */
    @WithDefault("10ms")
    Duration linger();

    /** How often the outbox looks for events when no commit woke it. */
    @WithDefault("1s")
    Duration interval();
}
