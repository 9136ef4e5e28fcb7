package dev.runnel.bot.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** How the registry reaches Kafka. */
@ConfigMapping(prefix = "kafka")
public interface KafkaConfig {

    /** Broker addresses, host:port separated by commas. */
    @WithName("bootstrap.servers")
    @WithDefault("localhost:9092")
    String bootstrapServers();

    /** Partitions of topics this service creates. */
    @WithName("runnel.partitions")
    @WithDefault("3")
    int partitions();

    /** How long one publish may take before the outbox retries it later. */
    @WithName("runnel.send-timeout")
    @WithDefault("10s")
    Duration sendTimeout();

    /** How often the outbox looks for events to publish when no commit woke it. */
    @WithName("runnel.outbox-interval")
    @WithDefault("1s")
    Duration outboxInterval();
}
