package dev.runnel.bot.project;

import dev.runnel.bot.project.ProjectService.Member;
import dev.runnel.bot.project.ProjectService.Project;
import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The SQL of projects and their members. */
@ApplicationScoped
public class ProjectRepository {

    private static final String MEMBER_SELECT = "SELECT m.user_id, u.username, u.kind, m.role, m.created_at"
            + " FROM members m JOIN users u ON u.id = m.user_id";
    private static final Db.Row<Member> MEMBER = rs -> new Member(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getTimestamp(5).toInstant());

    private final Db db;

    public ProjectRepository(Db db) {
        this.db = db;
    }

    public void insert(String id, String name, String createdBy) {
        db.update("INSERT INTO projects (id, name, created_by) VALUES (?, ?, ?)", id, name, createdBy);
    }

    /** The project, with {@code role} as the caller's role in it. */
    public Optional<Project> find(String id, String role) {
        return db.one("SELECT id, name, created_by, created_at FROM projects WHERE id = ?",
                rs -> new Project(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        role), id);
    }

    /** The projects a user is a member of, with its role in each. */
    public List<Project> of(String userId) {
        return db.list("SELECT p.id, p.name, p.created_by, p.created_at, m.role FROM projects p JOIN members m"
                + " ON m.project_id = p.id WHERE m.user_id = ? ORDER BY p.created_at", rs -> new Project(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5)), userId);
    }

    /** How many projects the user made, counted under a lock of the user's: one creation at a time counts. */
    public long madeBy(String userId) {
        db.lockUntilCommit("projects of " + userId);
        return db.count("SELECT count(*) FROM projects WHERE created_by = ?", userId);
    }

    /** Locks the project's row, so that one of two concurrent writers waits for the other. */
    public void lock(String id) {
        db.list("SELECT id FROM projects WHERE id = ? FOR UPDATE", rs -> 1, id);
    }

    public void insertMember(String projectId, String userId, String role) {
        db.update("INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)", projectId, userId, role);
    }

    public List<Member> members(String projectId) {
        return db.list(MEMBER_SELECT + " WHERE m.project_id = ? ORDER BY m.created_at", MEMBER, projectId);
    }

    public Optional<Member> member(String projectId, String userIdOrName) {
        return db.one(MEMBER_SELECT + " WHERE m.project_id = ? AND (u.id = ? OR u.username = ?)", MEMBER, projectId,
                userIdOrName, userIdOrName);
    }

    /** Locks every member row of the project, so that role changes are serialized per project. */
    public void lockMembers(String projectId) {
        db.list("SELECT 1 FROM members WHERE project_id = ? FOR UPDATE", rs -> 1, projectId);
    }

    public Optional<String> role(String projectId, String userId) {
        return db.one("SELECT role FROM members WHERE project_id = ? AND user_id = ?", rs -> rs.getString(1),
                projectId, userId);
    }

    public void setRole(String projectId, String userId, String role) {
        db.update("UPDATE members SET role = ? WHERE project_id = ? AND user_id = ?", role, projectId, userId);
    }

    public void deleteMember(String projectId, String userId) {
        db.update("DELETE FROM members WHERE project_id = ? AND user_id = ?", projectId, userId);
    }

    public long owners(String projectId) {
        return db.count("SELECT count(*) FROM members WHERE project_id = ? AND role = 'owner'", projectId);
    }

    /** The projects a user is a member of. */
    public List<String> memberships(String userId) {
        return db.list("SELECT project_id FROM members WHERE user_id = ? ORDER BY project_id", rs -> rs.getString(1),
                userId);
    }
}
