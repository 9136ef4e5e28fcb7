package dev.runnel.bot.user;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users (people, bots, internal services) and their API keys. */
@ApplicationScoped
public class UserService {

    static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$");

    private final UserRepository repository;

    public UserService(UserRepository repository) {
        this.repository = repository;
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
            repository.insert(id, kind, username, email, admin);
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
        return repository.find(id);
    }

    public Optional<User> byUsername(String username) {
        return repository.byUsername(username);
    }

    public void delete(String id) {
        repository.delete(id);
    }

    /** A user by id or by name. */
    public Optional<User> byIdOrName(String idOrName) {
        return find(idOrName).or(() -> byUsername(idOrName));
    }

    public Map<String, String> roles(String userId) {
        return repository.roles(userId);
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public CreatedKey newKey(String userId, String name) {
        ApiKeys.NewKey key = ApiKeys.generate(Ids.next());
        return store(userId, name, key.id(), key.secretHash(), key.plain());
    }

    /** Stores a key given from outside (a Kubernetes Secret), unless it is stored already. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void adopt(String userId, String name, String plain) {
        ApiKeys.Parsed parsed = ApiKeys.configured("the " + name + " key", plain);
        if (!repository.keyExists(parsed.id())) {
            store(userId, name, parsed.id(), ApiKeys.hash(parsed.secret()), plain);
        }
    }

    private CreatedKey store(String userId, String name, String id, String hash, String plain) {
        String keyName = name == null || name.isBlank() ? "key" : name;
        if (keyName.length() > 100) {
            throw Refusal.invalid("name", "must be at most 100 characters");
        }
        Instant now = Instant.now();
        repository.insertKey(id, userId, keyName, hash, now);
        return new CreatedKey(id, keyName, plain, now);
    }

    public List<KeyInfo> keys(String userId) {
        return repository.keys(userId);
    }

    @Transactional
    public void revoke(String userId, String keyId) {
        if (!repository.revoke(userId, keyId)) {
            throw Refusal.notFound("API key", keyId);
        }
    }

    /**
     * A new key of {@code userId} for one service's replicas ({@code binding}, the service id): the
     * keys issued for the binding before, whoever they belonged to, are revoked.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public CreatedKey newBoundKey(String userId, String binding) {
        repository.revokeBinding(binding, "a new credential was issued for service " + binding);
        CreatedKey key = newKey(userId, "service " + binding);
        repository.bind(key.id(), binding);
        return key;
    }

    /** Revokes the keys of a binding that ended (its service was deleted). */
    @Transactional(Transactional.TxType.REQUIRED)
    public void endBinding(String binding) {
        repository.revokeBinding(binding, "service " + binding + " was deleted");
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public void revokeAll(String userId, String reason) {
        repository.revokeAll(userId, reason);
    }

    /** The user a presented API key belongs to, or 401 (unknown, wrong or revoked key). */
    public User authenticate(String plainKey) {
        ApiKeys.Parsed parsed = ApiKeys.parse(plainKey)
                .orElseThrow(() -> Refusal.notAuthenticated("not a Runnel API key"));
        UserRepository.StoredKey stored = repository.key(parsed.id())
                .orElseThrow(() -> Refusal.notAuthenticated("unknown API key"));
        if (!ApiKeys.matches(parsed.secret(), stored.hash())) {
            throw Refusal.notAuthenticated("unknown API key");
        }
        if (stored.revoked()) {
            throw Refusal.notAuthenticated("this API key was revoked"
                    + (stored.revokedReason() == null ? "" : ": " + stored.revokedReason()));
        }
        return get(stored.userId());
    }
}
