package dev.runnel.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * The signing key the tests hand to bot-service (as a Kubernetes Secret would), so that tests can
 * also forge the tokens an attacker or a clock would make: expired, tampered, unsigned, or signed
 * with HMAC over the public key.
 */
public final class TestTokens {

    private static final RsaJsonWebKey KEY = generate();

    private TestTokens() {
    }

    private static RsaJsonWebKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-key");
            key.setAlgorithm("RS256");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as a JWK, for {@code runnel.bot.signing-key}. */
    public static String signingKeyJwk() {
        return KEY.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    }

    /** A token signed with the real key, with the claims given and an expiry of our choosing. */
    public static String mint(String subject, String kind, Map<String, String> projects, Instant expiresAt) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("runnel");
        claims.setAudience("runnel");
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(expiresAt.getEpochSecond() - 900));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setClaim("preferred_username", subject);
        claims.setClaim("kind", kind);
        claims.setClaim("admin", false);
        claims.setClaim("projects", projects);
        return sign(claims.toJson(), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** The same token with one character of its payload changed. */
    public static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"kind\":\"", "\"kind\":\"x");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** The token's claims signed with a key no one knows, under a key id no one has seen. */
    public static String signedByAStranger(String token) {
        try {
            RsaJsonWebKey stranger = RsaJwkGenerator.generateJwk(2048);
            stranger.setKeyId(java.util.UUID.randomUUID().toString());
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setKeyIdHeaderValue(stranger.getKeyId());
            jws.setKey(stranger.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token's claims under {@code alg: none}, without a signature. */
    public static String unsigned(String token) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    /** The token's claims signed HS256 with the public key as the secret (the algorithm confusion attack). */
    public static String hmacWithPublicKey(String token) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKeyIdHeaderValue(KEY.getKeyId());
            jws.setKey(new HmacKey(KEY.getPublicKey().getEncoded()));
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(String payload, String algorithm) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(payload);
            jws.setAlgorithmHeaderValue(algorithm);
            jws.setKeyIdHeaderValue(KEY.getKeyId());
            jws.setKey(KEY.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
