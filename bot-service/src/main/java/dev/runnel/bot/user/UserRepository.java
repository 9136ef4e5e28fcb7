package dev.runnel.bot.user;

import dev.runnel.bot.user.UserService.KeyInfo;
import dev.runnel.bot.user.UserService.User;
import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of users, their API keys and their roles. */
@ApplicationScoped
public class UserRepository {

    /** An API key as stored: the hash of its secret, never the secret. */
    public record StoredKey(String userId, String hash, boolean revoked, String revokedReason) {
    }

    private static final Db.Row<User> USER = rs -> new User(rs.getString("id"), rs.getString("username"),
            rs.getString("email"), rs.getString("kind"), rs.getBoolean("admin"),
            rs.getTimestamp("created_at").toInstant());

    private final Db db;

    public UserRepository(Db db) {
        this.db = db;
    }

    /** Inserts a user; a taken username surfaces as the database's unique violation. */
    public void insert(String id, String kind, String username, String email, boolean admin) {
        db.update("INSERT INTO users (id, kind, username, email, admin) VALUES (?, ?, ?, ?, ?)", id, kind, username,
                email, admin);
    }

    public Optional<User> find(String id) {
        return db.one("SELECT * FROM users WHERE id = ?", USER, id);
    }

    public Optional<User> byUsername(String username) {
        return db.one("SELECT * FROM users WHERE username = ?", USER, username);
    }

    public void delete(String id) {
        db.update("DELETE FROM users WHERE id = ?", id);
    }

    /** The user's role in each project it is a member of. */
    public Map<String, String> roles(String userId) {
        Map<String, String> roles = new HashMap<>();
        db.list("SELECT project_id, role FROM members WHERE user_id = ?", rs -> {
            roles.put(rs.getString(1), rs.getString(2));
            return null;
        }, userId);
        return roles;
    }

    public void insertKey(String id, String userId, String name, String hash, Instant createdAt) {
        db.update("INSERT INTO api_keys (id, user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)", id, userId,
                name, hash, createdAt);
    }

    public boolean keyExists(String id) {
        return db.count("SELECT count(*) FROM api_keys WHERE id = ?", id) > 0;
    }

    public Optional<StoredKey> key(String id) {
        return db.one("SELECT user_id, secret_hash, revoked_at IS NOT NULL, revoked_reason FROM api_keys WHERE id = ?",
                rs -> new StoredKey(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)), id);
    }

    public List<KeyInfo> keys(String userId) {
        return db.list("SELECT id, name, created_at, revoked_at FROM api_keys WHERE user_id = ? ORDER BY created_at",
                rs -> new KeyInfo(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()), userId);
    }

    /** Revokes one key of a user; false when the user has no such key. */
    public boolean revoke(String userId, String keyId) {
        return db.update("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? AND user_id = ?",
                keyId, userId) > 0;
    }

    /** Marks a key as the credential of one service's replicas. */
    public void bind(String keyId, String binding) {
        db.update("UPDATE api_keys SET binding = ? WHERE id = ?", binding, keyId);
    }

    /** Revokes the keys issued for a binding; how many there were. */
    public int revokeBinding(String binding, String reason) {
        return db.update("UPDATE api_keys SET revoked_at = now(), revoked_reason = ? WHERE binding = ?"
                + " AND revoked_at IS NULL", reason, binding);
    }

    public void revokeAll(String userId, String reason) {
        db.update("UPDATE api_keys SET revoked_at = now(), revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
                reason, userId);
    }
}
