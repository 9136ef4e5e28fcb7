package dev.runnel.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How the operator runs replicas. */
@ConfigMapping(prefix = "runnel.operator")
public interface OperatorConfig {

    /** Where replicas run: {@code local} (processes of this machine) or {@code kubernetes} (a Deployment per service). */
    @WithDefault("local")
    String driver();

    /** The platform's API base (the gateway's /api/v1), for bot credentials and for replicas. */
    String api();

    /** The state folder: operator.key from bot-service's first start, and the replicas' work folders and logs. */
    String home();

    /** The operator's API key (from a Kubernetes Secret); else read from {@code operator.key} in home. */
    Optional<String> key();

    /** The operator's API key: {@link #key()}, or the first start's {@code operator.key}. */
    default String operatorKey() {
        if (key().isPresent()) {
            return key().get();
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(home()).resolve("operator.key")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no operator key: set runnel.operator.key or run bot-service first", e);
        }
    }

    /** The runner's jar, which a local replica runs. */
    String runnerJar();

    /** Where the Python {@code runnel} package is, for local replicas. */
    String runtimeDir();

    /**
     * Whether local replicas run in a sandbox (ADR 16): namespaces of their own that hide the state
     * folder and every process but theirs, with no capabilities. Off only on a machine that cannot make
     * one, and only for code you trust: replicas then see what the operator sees.
     */
    @WithDefault("true")
    boolean localSandbox();

    /** The python3 replicas run. */
    @WithDefault("python3")
    String python();

    /**
     * How often a replica checks that bot-service still accepts its bot: with bot tokens living a
     * minute, a replica whose credential is revoked loses access within a minute.
     */
    @WithDefault("PT30S")
    Duration botCheckInterval();

    /** How often replicas are compared with their specs. */
    @WithDefault("0.5s")
    Duration reconcileInterval();

    /** A replica not heard from for this long does not count as ready. */
    @WithDefault("10s")
    Duration readyWithin();
}
