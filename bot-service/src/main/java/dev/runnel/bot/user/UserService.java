package dev.runnel.bot.user;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users (people, bots, internal services) and their API keys. */
@ApplicationScoped
public class UserService {

    static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$");

    private final Db db;

    public UserService(Db db) {
        this.db = db;
    }

    /** A user as the API shows it. */
    public record User(String id, String username, String email, String kind, boolean admin, Instant createdAt) {
    }

    /** An API key as listed: never its secret. */
    public record KeyInfo(String id, String name, Instant createdAt, Instant revokedAt) {
    }

    /** A new API key: {@code key} is shown this once. */
    public record CreatedKey(String id, String name, String key, Instant createdAt) {
    }

    private static final Db.Row<User> USER = rs -> new User(rs.getString("id"), rs.getString("username"),
            rs.getString("email"), rs.getString("kind"), rs.getBoolean("admin"),
            rs.getTimestamp("created_at").toInstant());

    @Transactional(Transactional.TxType.REQUIRED)
    public User create(String username, String email, String kind, boolean admin) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw Refusal.invalid("username", "'" + username + "' must be 1 to 128 letters, digits or _.@+-");
        }
        if (email != null && !email.matches("^[^@\\s]+@[^@\\s]+$")) {
            throw Refusal.invalid("email", "'" + email + "' is not an email address");
        }
        String id = Ids.next();
        try {
            db.update("INSERT INTO users (id, kind, username, email, admin) VALUES (?, ?, ?, ?, ?)", id, kind, username,
                    email, admin);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                throw Refusal.conflict("a user named '" + username + "' already exists");
            }
            throw e;
        }
        return get(id);
    }

    public User get(String id) {
        return find(id).orElseThrow(() -> Refusal.notFound("user", id));
    }

    public Optional<User> find(String id) {
        return db.one("SELECT * FROM users WHERE id = ?", USER, id);
    }

    public Optional<User> byUsername(String username) {
        return db.one("SELECT * FROM users WHERE username = ?", USER, username);
    }

    /** A user by id or by name. */
    public Optional<User> byIdOrName(String idOrName) {
        return find(idOrName).or(() -> byUsername(idOrName));
    }

    public Map<String, String> roles(String userId) {
        Map<String, String> roles = new HashMap<>();
        db.list("SELECT project_id, role FROM members WHERE user_id = ?", rs -> {
            roles.put(rs.getString(1), rs.getString(2));
            return null;
        }, userId);
        return roles;
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public CreatedKey newKey(String userId, String name) {
        ApiKeys.NewKey key = ApiKeys.generate(Ids.next());
        return store(userId, name, key.id(), key.secretHash(), key.plain());
    }

    /** Stores a key given from outside (a Kubernetes Secret), unless it is stored already. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void adopt(String userId, String name, String plain) {
        ApiKeys.Parsed parsed = ApiKeys.parse(plain).orElseThrow(() ->
                new IllegalStateException("a configured API key must look like rnl_<id>_<secret>"));
        if (db.count("SELECT count(*) FROM api_keys WHERE id = ?", parsed.id()) == 0) {
            store(userId, name, parsed.id(), ApiKeys.hash(parsed.secret()), plain);
        }
    }

    private CreatedKey store(String userId, String name, String id, String hash, String plain) {
        String keyName = name == null || name.isBlank() ? "key" : name;
        if (keyName.length() > 100) {
            throw Refusal.invalid("name", "must be at most 100 characters");
        }
        Instant now = Instant.now();
        db.update("INSERT INTO api_keys (id, user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)", id, userId,
                keyName, hash, now);
        return new CreatedKey(id, keyName, plain, now);
    }

    public List<KeyInfo> keys(String userId) {
        return db.list("SELECT id, name, created_at, revoked_at FROM api_keys WHERE user_id = ? ORDER BY created_at",
                rs -> new KeyInfo(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()), userId);
    }

    @Transactional
    public void revoke(String userId, String keyId) {
        if (db.update("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? AND user_id = ?",
                keyId, userId) == 0) {
            throw Refusal.notFound("API key", keyId);
        }
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public void revokeAll(String userId) {
        db.update("UPDATE api_keys SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL", userId);
    }

    /** The user a presented API key belongs to, or 401 (unknown, wrong or revoked key). */
    public User authenticate(String plainKey) {
        ApiKeys.Parsed parsed = ApiKeys.parse(plainKey)
                .orElseThrow(() -> Refusal.notAuthenticated("not a Runnel API key"));
        record Stored(String userId, String hash, boolean revoked) {
        }
        Stored stored = db.one("SELECT user_id, secret_hash, revoked_at IS NOT NULL FROM api_keys WHERE id = ?",
                rs -> new Stored(rs.getString(1), rs.getString(2), rs.getBoolean(3)), parsed.id())
                .orElseThrow(() -> Refusal.notAuthenticated("unknown API key"));
        if (!ApiKeys.matches(parsed.secret(), stored.hash())) {
            throw Refusal.notAuthenticated("unknown API key");
        }
        if (stored.revoked()) {
            throw Refusal.notAuthenticated("this API key was revoked");
        }
        return get(stored.userId());
    }
}
