package dev.runnel.bot.token;

import dev.runnel.bot.config.BotConfig;
import dev.runnel.bot.key.SigningKeys;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Issues short-lived RS256 tokens and verifies them. Claims: {@code sub} (user id),
 * {@code preferred_username}, {@code email} (users), {@code kind} (user, bot or service),
 * {@code admin}, and {@code projects}: the caller's role in each of its projects.
 */
@ApplicationScoped
public class TokenService {

    private final SigningKeys keys;
    private final BotConfig config;

    public TokenService(SigningKeys keys, BotConfig config) {
        this.keys = keys;
        this.config = config;
    }

    /** A token and how long it lives, in seconds. */
    public record Issued(String token, long expiresIn) {
    }

    public Issued issue(String userId, String username, String email, String kind, boolean admin,
                        Map<String, String> projects) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.issuer());
        claims.setAudience(config.audience());
        claims.setSubject(userId);
        claims.setIssuedAtToNow();
        claims.setNotBeforeMinutesInThePast(1);
        Duration lifetime = "bot".equals(kind) ? config.botTokenLifetime() : config.tokenLifetime();
        claims.setExpirationTimeMinutesInTheFuture(lifetime.toSeconds() / 60f);
        claims.setGeneratedJwtId();
        claims.setClaim("preferred_username", username);
        if (email != null) {
            claims.setClaim("email", email);
        }
        claims.setClaim("kind", kind);
        claims.setClaim("admin", admin);
        claims.setClaim("projects", projects);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.active().getPrivateKey());
        jws.setKeyIdHeaderValue(keys.active().getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return new Issued(jws.getCompactSerialization(), lifetime.toSeconds());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies signature (RS256 only), issuer, audience and expiry, or answers 401. */
    public Caller verify(String token) {
        try {
            return caller(consumer(keys.valid()).processToClaims(token));
        } catch (InvalidJwtException first) {
            if (first.getMessage() != null && first.getMessage().contains("Unable to find a suitable verification key")) {
                try {
                    return caller(consumer(keys.reload()).processToClaims(token));
                } catch (InvalidJwtException again) {
                    throw invalid(again);
                }
            }
            throw invalid(first);
        }
    }

    private JwtConsumer consumer(List<? extends JsonWebKey> valid) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(30)
                .setExpectedIssuer(config.issuer())
                .setExpectedAudience(config.audience())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new ArrayList<>(valid)))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Caller caller(JwtClaims claims) {
        try {
            Object projects = claims.getClaimValue("projects");
            Map<String, String> roles = new HashMap<>();
            if (projects instanceof Map<?, ?> map) {
                map.forEach((k, v) -> roles.put(String.valueOf(k), String.valueOf(v)));
            }
            Object admin = claims.getClaimValue("admin");
            return new Caller(claims.getSubject(), claims.getStringClaimValue("preferred_username"),
                    claims.getStringClaimValue("kind"), Boolean.TRUE.equals(admin), Map.copyOf(roles));
        } catch (MalformedClaimException e) {
            throw Refusal.notAuthenticated("malformed token claims: " + e.getMessage());
        }
    }

    private static Refusal invalid(InvalidJwtException e) {
        String why = e.hasExpired() ? "the token has expired" : "the token is not valid";
        return Refusal.notAuthenticated(why);
    }
}
