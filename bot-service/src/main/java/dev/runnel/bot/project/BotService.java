package dev.runnel.bot.project;

import dev.runnel.bot.token.Caller;
import dev.runnel.bot.user.UserService.User;
import dev.runnel.bot.user.UserService;
import dev.runnel.contracts.BotEvent;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Bots: project identities that services run as. A bot is a user of kind {@code bot}, a developer of
 * its home project, and may be added to other projects. Its credential (an API key) is shown once
 * at creation; the runner-operator may have new ones issued for replicas.
 */
@ApplicationScoped
public class BotService {

    public static final String DEFAULT_BOT = "default";
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    private final Db db;
    private final UserService users;
    private final ProjectService projects;
    private final BotEvents botEvents;

    public BotService(Db db, UserService users, ProjectService projects, BotEvents botEvents) {
        this.db = db;
        this.users = users;
        this.projects = projects;
        this.botEvents = botEvents;
    }

    /** A bot; {@code credential} only in the answer that creates it. */
    public record Bot(String id, String name, String userName, String projectId, String createdBy, Instant createdAt,
                      String credential) {
    }

    @Transactional
    public Bot create(String projectId, String name, boolean returnCredentials, Caller caller) {
        projects.requireRole(projectId, caller, Roles.WRITERS);
        if (name == null || !NAME.matcher(name).matches()) {
            throw Refusal.invalid("name", "'" + name + "' must be 1 to 63 lowercase letters, digits or '-'");
        }
        if (db.count("SELECT count(*) FROM bots WHERE project_id = ? AND name = ?", projectId, name) > 0) {
            throw Refusal.conflict("project " + projectId + " already has a bot named '" + name + "'");
        }
        return insert(projectId, name, returnCredentials, caller);
    }

    /** The project's default bot, created the first time it is asked for. */
    @Transactional
    public Bot defaultBot(String projectId, Caller caller) {
        projects.requireRole(projectId, caller, Roles.WRITERS);
        db.list("SELECT id FROM projects WHERE id = ? FOR UPDATE", rs -> 1, projectId);
        return db.one(SELECT + " WHERE b.project_id = ? AND b.name = ?", BOT, projectId, DEFAULT_BOT)
                .orElseGet(() -> insert(projectId, DEFAULT_BOT, false, caller));
    }

    public List<Bot> list(String projectId, Caller caller) {
        projects.requireMember(projectId, caller);
        return db.list(SELECT + " WHERE b.project_id = ? ORDER BY b.created_at", BOT, projectId);
    }

    public Bot get(String projectId, String botId, Caller caller) {
        projects.requireMember(projectId, caller);
        return find(projectId, botId);
    }

    /** Deletes a bot everywhere: its keys stop working and each project it was in hears of it. */
    @Transactional
    public void delete(String projectId, String botId, Caller caller) {
        projects.requireRole(projectId, caller, Roles.WRITERS);
        Bot bot = find(projectId, botId);
        List<String> memberships = db.list("SELECT project_id FROM members WHERE user_id = ? ORDER BY project_id",
                rs -> rs.getString(1), bot.id());
        for (String project : memberships) {
            botEvents.publish(BotEvent.Type.BotDeleted, project, bot.id(), bot.userName(), null);
        }
        db.update("DELETE FROM users WHERE id = ?", bot.id());
    }

    /** A new credential for a bot's replicas; only the runner-operator may ask. */
    @Transactional
    public UserService.CreatedKey issueCredential(String botIdOrName, Caller caller) {
        if (!caller.isOperator()) {
            throw Refusal.notPermitted("only the runner-operator may fetch bot credentials");
        }
        User bot = users.byIdOrName(botIdOrName).filter(u -> "bot".equals(u.kind()))
                .orElseThrow(() -> Refusal.notFound("bot", botIdOrName));
        return users.newKey(bot.id(), "replica credential");
    }

    /** A bot's home project, or null when the user is not a bot. */
    public String homeProject(String botUserId) {
        return db.one("SELECT project_id FROM bots WHERE user_id = ?", rs -> rs.getString(1), botUserId).orElse(null);
    }

    private Bot insert(String projectId, String name, boolean returnCredentials, Caller caller) {
        User user = users.create("bot." + name + "@" + projectId, null, "bot", false);
        db.update("INSERT INTO bots (user_id, project_id, name, created_by) VALUES (?, ?, ?, ?)", user.id(), projectId,
                name, caller.userId());
        db.update("INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)", projectId, user.id(),
                Roles.DEVELOPER);
        String credential = returnCredentials ? users.newKey(user.id(), "credential").key() : null;
        Bot bot = find(projectId, user.id());
        return new Bot(bot.id(), bot.name(), bot.userName(), bot.projectId(), bot.createdBy(), bot.createdAt(),
                credential);
    }

    private Bot find(String projectId, String botIdOrName) {
        return db.one(SELECT + " WHERE b.project_id = ? AND (b.user_id = ? OR u.username = ? OR b.name = ?)", BOT,
                projectId, botIdOrName, botIdOrName, botIdOrName)
                .orElseThrow(() -> Refusal.notFound("bot", botIdOrName));
    }

    private static final String SELECT = "SELECT b.user_id, b.name, u.username, b.project_id, b.created_by,"
            + " b.created_at FROM bots b JOIN users u ON u.id = b.user_id";
    private static final Db.Row<Bot> BOT = rs -> new Bot(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(), null);
}
