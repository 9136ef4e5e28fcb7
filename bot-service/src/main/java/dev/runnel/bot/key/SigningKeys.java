package dev.runnel.bot.key;

import dev.runnel.bot.config.BotConfig;
import dev.runnel.bot.db.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * The RSA keys tokens are signed with, kept in the database so that every replica signs and
 * verifies alike. The newest unretired key signs; a retired key stays published (and accepted)
 * until every token it signed has expired, so rotation invalidates nothing early.
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final long CACHE_MILLIS = 30_000;

    private final Db db;
    private final BotConfig config;
    private volatile Cached cached;

    public SigningKeys(Db db, BotConfig config) {
        this.db = db;
        this.config = config;
    }

    private record Cached(RsaJsonWebKey active, List<RsaJsonWebKey> valid, long loadedAt) {
    }

    private record Row(String kid, String jwk, Instant retiredAt) {
    }

    void init(@Observes @Priority(10) StartupEvent event) {
        QuarkusTransaction.requiringNew().run(() -> {
            config.signingKey().ifPresent(this::importKey);
            if (loadActive() == null) {
                insert(generate());
            }
        });
    }

    /** The key that signs new tokens. */
    public RsaJsonWebKey active() {
        return current().active();
    }

    /** Every key a valid token may be signed with (public halves only are published). */
    public List<RsaJsonWebKey> valid() {
        return current().valid();
    }

    /** Refreshes from the database now: a token names a key this replica has not seen. */
    public List<RsaJsonWebKey> reload() {
        cached = null;
        return valid();
    }

    /** The JWKS document: the public keys of {@link #valid()}. */
    public Map<String, Object> jwks() {
        return parse(new JsonWebKeySet(new ArrayList<>(valid())).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }

    /** Starts signing with a new key; the old one stays valid until its tokens expire. */
    public String rotate() {
        String kid = QuarkusTransaction.requiringNew().call(() -> {
            db.update("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL");
            RsaJsonWebKey key = generate();
            insert(key);
            return key.getKeyId();
        });
        cached = null;
        LOG.infof("signing key rotated; now signing with %s", kid);
        return kid;
    }

    private Cached current() {
        Cached c = cached;
        if (c == null || System.currentTimeMillis() - c.loadedAt() > CACHE_MILLIS) {
            c = load();
            cached = c;
        }
        return c;
    }

    private Cached load() {
        Instant oldest = Instant.now().minus(config.tokenLifetime()).minusSeconds(60);
        List<RsaJsonWebKey> valid = new ArrayList<>();
        RsaJsonWebKey active = null;
        for (Row row : db.list("SELECT kid, jwk, retired_at FROM signing_keys ORDER BY created_at DESC",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3) == null ? null
                        : rs.getTimestamp(3).toInstant()))) {
            if (row.retiredAt() == null || row.retiredAt().isAfter(oldest)) {
                RsaJsonWebKey key = toKey(row.jwk());
                valid.add(key);
                if (row.retiredAt() == null && active == null) {
                    active = key;
                }
            }
        }
        if (active == null) {
            throw new IllegalStateException("no active signing key");
        }
        return new Cached(active, List.copyOf(valid), System.currentTimeMillis());
    }

    private String loadActive() {
        return db.one("SELECT kid FROM signing_keys WHERE retired_at IS NULL", rs -> rs.getString(1)).orElse(null);
    }

    private void importKey(String jwkJson) {
        RsaJsonWebKey key = toKey(jwkJson);
        if (key.getKeyId() == null) {
            key.setKeyId(thumbprint(key));
        }
        if (db.count("SELECT count(*) FROM signing_keys WHERE kid = ?", key.getKeyId()) == 0) {
            db.update("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL");
            insert(key);
            LOG.infof("signing with the configured key %s", key.getKeyId());
        }
    }

    private void insert(RsaJsonWebKey key) {
        db.update("INSERT INTO signing_keys (kid, jwk) VALUES (?, ?)", key.getKeyId(),
                key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
    }

    private static RsaJsonWebKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(thumbprint(key));
            key.setUse("sig");
            key.setAlgorithm("RS256");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String thumbprint(RsaJsonWebKey key) {
        return key.calculateBase64urlEncodedThumbprint("SHA-256");
    }

    private static RsaJsonWebKey toKey(String json) {
        try {
            JsonWebKey key = JsonWebKey.Factory.newJwk(json);
            if (!(key instanceof RsaJsonWebKey rsa) || rsa.getPrivateKey() == null) {
                throw new IllegalStateException("the signing key must be an RSA private key (JWK)");
            }
            return rsa;
        } catch (JoseException e) {
            throw new IllegalStateException("unreadable signing key: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return dev.runnel.contracts.Json.mapper().readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
