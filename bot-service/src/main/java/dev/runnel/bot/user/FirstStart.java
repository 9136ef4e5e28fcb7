package dev.runnel.bot.user;

import dev.runnel.bot.config.BotConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * On the first start, creates the admin user and the runner-operator's service user with an API
 * key each: taken from configuration (a Kubernetes Secret) when given, else generated and written to
 * {@code admin.key} / {@code operator.key} in the state folder, readable by the owner only. Keys
 * never appear whole in a log.
 */
@ApplicationScoped
public class FirstStart {

    private static final Logger LOG = Logger.getLogger(FirstStart.class);
    public static final String ADMIN = "admin";

    private final UserService users;
    private final BotConfig config;

    public FirstStart(UserService users, BotConfig config) {
        this.users = users;
        this.config = config;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        ensure(ADMIN, "user", true, config.adminKey(), "admin.key");
        ensure(dev.runnel.bot.token.Caller.OPERATOR, "service", false, config.operatorKey(), "operator.key");
    }

    private void ensure(String username, String kind, boolean admin, Optional<String> configured, String file) {
        QuarkusTransaction.requiringNew().run(() -> {
            UserService.User user = users.byUsername(username).orElse(null);
            if (user == null) {
                user = users.create(username, null, kind, admin);
                if (configured.isEmpty()) {
                    String key = users.newKey(user.id(), "first start").key();
                    Path path = write(file, key);
                    LOG.infof("first start: the %s API key (%s) is in %s", username, ApiKeys.redacted(key), path);
                }
            }
            if (configured.isPresent()) {
                users.adopt(user.id(), "configured " + username, configured.get());
            }
        });
    }

    private Path write(String name, String key) {
        try {
            Path dir = Path.of(config.home());
            Files.createDirectories(dir);
            Path path = dir.resolve(name).toAbsolutePath();
            Files.deleteIfExists(path);
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(path);
            }
            Files.writeString(path, key + "\n");
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
