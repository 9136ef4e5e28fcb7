package dev.runnel.bot.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Identity settings of bot-service. */
@ConfigMapping(prefix = "runnel.bot")
public interface BotConfig {

    /** Folder where the first start writes the admin and operator API keys, readable by the owner only. */
    String home();

    /** How long an issued token is valid. */
    @WithDefault("PT15M")
    Duration tokenLifetime();

    /**
     * How long a bot's token is valid: short, so that a replica whose credential is revoked loses
     * access within it (its runner checks the credential more often than this).
     */
    @WithDefault("PT1M")
    Duration botTokenLifetime();

    /** How long a rotated-in key is published before it signs (longer than services' JWKS refresh). */
    @WithDefault("PT2M")
    Duration keyPublishAhead();

    /** The {@code iss} of issued tokens, checked by every service. */
    @WithDefault("runnel")
    String issuer();

    /** The {@code aud} of issued tokens, checked by every service. */
    @WithDefault("runnel")
    String audience();

    /** An admin API key to use instead of generating one (from a Kubernetes Secret); then no key file is written. */
    Optional<String> adminKey();

    /** The runner-operator's API key, likewise. */
    Optional<String> operatorKey();

    /** An RSA private key as a JWK (JSON) to sign with, instead of generating one (from a Secret). */
    Optional<String> signingKey();
}
