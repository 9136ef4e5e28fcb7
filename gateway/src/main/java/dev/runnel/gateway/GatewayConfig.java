package dev.runnel.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Where the gateway finds each service, and how long it waits for them. */
@ConfigMapping(prefix = "runnel.gateway")
public interface GatewayConfig {

    /**
     * Base URL of each service by owner name: registry, bot, execution, trigger; {@code none} for a
     * service this deployment leaves out (its paths answer 502 saying so).
     */
    Map<String, String> services();

    /** Longest silence from a service, while it answers, before the gateway answers 504. */
    @WithDefault("PT5M")
    Duration timeout();

    /**
     * Largest request body the gateway forwards, by its Content-Length (413 beyond): a codebase upload
     * (50 MiB zipped at most) and its form fit. Each service also keeps its own, smaller, limits.
     */
    @WithDefault("67108864")
    long maxBodySize();

    /** Longest wait for a connection to a service before the gateway answers 502. */
    @WithDefault("PT5S")
    Duration connectTimeout();
}
