package dev.runnel.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Authentication of callers. */
@ConfigMapping(prefix = "runnel.auth")
public interface AuthConfig {

    /**
     * Whether callers must present a token. Only a benchmark measuring the cost of authentication
     * turns it off: then every caller may do everything, and the service says so loudly at start.
     */
    @WithDefault("true")
    boolean enabled();
}
