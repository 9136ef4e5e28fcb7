package dev.runnel.trigger;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How trigger-service matches events and fires cron triggers. */
@ConfigMapping(prefix = "runnel.trigger")
public interface TriggerConfig {

    /** An event whose {@code hop} (its depth in a chain of events caused by executions) exceeds this is stopped. */
    @WithDefault("10")
    int maxHops();

    /** Partitions of {@code resource-events} when trigger-service creates it: how many replicas can share the events. */
    @WithDefault("6")
    int eventPartitions();

    /** How often cron triggers are looked at. */
    @WithDefault("1s")
    Duration cronTick();

    /** A cron time older than this when it is seen counts as missed (downtime): fired once or skipped, per trigger. */
    @WithDefault("60s")
    Duration cronGrace();
}
