package dev.runnel.bot.project;

import dev.runnel.bot.project.BotService.Bot;
import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The SQL of bots: a bot user's home project and its name there. */
@ApplicationScoped
public class BotRepository {

    private static final String SELECT = "SELECT b.user_id, b.name, u.username, b.project_id, b.created_by,"
            + " b.created_at FROM bots b JOIN users u ON u.id = b.user_id";
    private static final Db.Row<Bot> BOT = rs -> new Bot(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(), null);

    private final Db db;

    public BotRepository(Db db) {
        this.db = db;
    }

    public void insert(String userId, String projectId, String name, String createdBy) {
        db.update("INSERT INTO bots (user_id, project_id, name, created_by) VALUES (?, ?, ?, ?)", userId, projectId,
                name, createdBy);
    }

    public boolean exists(String projectId, String name) {
        return db.count("SELECT count(*) FROM bots WHERE project_id = ? AND name = ?", projectId, name) > 0;
    }

    public List<Bot> list(String projectId) {
        return db.list(SELECT + " WHERE b.project_id = ? ORDER BY b.created_at", BOT, projectId);
    }

    /** A bot of the project by user id, username or bot name. */
    public Optional<Bot> find(String projectId, String botIdOrName) {
        return db.one(SELECT + " WHERE b.project_id = ? AND (b.user_id = ? OR u.username = ? OR b.name = ?)", BOT,
                projectId, botIdOrName, botIdOrName, botIdOrName);
    }

    /** A bot of the project by its name there. */
    public Optional<Bot> named(String projectId, String name) {
        return db.one(SELECT + " WHERE b.project_id = ? AND b.name = ?", BOT, projectId, name);
    }

    /** A bot's home project. */
    public Optional<String> homeProject(String botUserId) {
        return db.one("SELECT project_id FROM bots WHERE user_id = ?", rs -> rs.getString(1), botUserId);
    }
}
