package dev.runnel.bot.key;

import dev.runnel.bot.config.BotConfig;
import dev.runnel.kit.db.Db;
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
 * verifies alike. A rotated-in key is published at once and signs after {@code key-publish-ahead},
 * so that services caching the JWKS know it before they meet it; see {@link KeyRing}.
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final long CACHE_MILLIS = 30_000;
    /**
     * A token naming an unknown key reloads the keys at most this often: anyone can send such tokens,
     * and each reload is a query (a key another replica added is seen within this time anyway).
     */
    static final long RELOAD_AT_MOST_EVERY_MILLIS = 1_000;

    private final Db db;
    private final BotConfig config;
    private volatile Cached cached;
    private final java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();

    public SigningKeys(Db db, BotConfig config) {
        this.db = db;
        this.config = config;
    }

    private record Cached(KeyRing.Selection<RsaJsonWebKey> selection, long loadedAt) {
    }

    void init(@Observes @Priority(10) StartupEvent event) {
        QuarkusTransaction.requiringNew().run(() -> {
            db.lockUntilCommit("signing keys");
            config.signingKey().ifPresent(this::importKey);
            if (db.count("SELECT count(*) FROM signing_keys") == 0) {
                insert(generate(), Instant.now());
            }
        });
    }

    /** The key that signs new tokens. */
    public RsaJsonWebKey active() {
        return current().selection().signing().key();
    }

    /** Every key a valid token may be signed with, and keys about to sign (public halves are published). */
    public List<RsaJsonWebKey> valid() {
        return current().selection().valid().stream().map(KeyRing.Key::key).toList();
    }

    /**
     * Refreshes from the database, a token naming a key this replica has not seen: now, unless the keys
     * were loaded less than {@link #RELOAD_AT_MOST_EVERY_MILLIS} ago.
     */
    public List<RsaJsonWebKey> reload() {
        Cached c = cached;
        if (c != null && System.currentTimeMillis() - c.loadedAt() >= RELOAD_AT_MOST_EVERY_MILLIS) {
            cached = null;
        }
        return valid();
    }

    /** How many times this replica has read the keys from the database. */
    public long loads() {
        return loads.get();
    }

    /** The JWKS document: the public keys of {@link #valid()}. */
    public Map<String, Object> jwks() {
        return parse(new JsonWebKeySet(new ArrayList<>(valid())).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }

    /** Adds a key that signs after {@code key-publish-ahead}; the old one verifies until its tokens expire. */
    public String rotate() {
        RsaJsonWebKey key = generate();
        Instant activeFrom = Instant.now().plus(config.keyPublishAhead());
        QuarkusTransaction.requiringNew().run(() -> insert(key, activeFrom));
        cached = null;
        LOG.infof("signing key %s added; it signs from %s", key.getKeyId(), activeFrom);
        return key.getKeyId();
    }

    private Cached current() {
        Cached c = cached;
        Instant now = Instant.now();
        if (c == null || System.currentTimeMillis() - c.loadedAt() > CACHE_MILLIS || pendingKeyActivated(c, now)) {
            loads.incrementAndGet();
            List<KeyRing.Key<RsaJsonWebKey>> keys = db.list("SELECT kid, jwk, active_from FROM signing_keys",
                    rs -> new KeyRing.Key<>(rs.getString(1), rs.getTimestamp(3).toInstant(), toKey(rs.getString(2))));
            c = new Cached(KeyRing.select(keys, now, config.tokenLifetime()), System.currentTimeMillis());
            cached = c;
        }
        return c;
    }

    private static boolean pendingKeyActivated(Cached c, Instant now) {
        Instant signingFrom = c.selection().signing().activeFrom();
        return c.selection().valid().stream()
                .anyMatch(k -> k.activeFrom().isAfter(signingFrom) && !k.activeFrom().isAfter(now));
    }

    private void importKey(String jwkJson) {
        RsaJsonWebKey key = toKey(jwkJson);
        if (key.getKeyId() == null) {
            key.setKeyId(thumbprint(key));
        }
        if (db.count("SELECT count(*) FROM signing_keys WHERE kid = ?", key.getKeyId()) == 0) {
            insert(key, Instant.now());
            LOG.infof("signing with the configured key %s", key.getKeyId());
        }
    }

    private void insert(RsaJsonWebKey key, Instant activeFrom) {
        db.update("INSERT INTO signing_keys (kid, jwk, active_from) VALUES (?, ?, ?)", key.getKeyId(),
                key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), activeFrom);
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
