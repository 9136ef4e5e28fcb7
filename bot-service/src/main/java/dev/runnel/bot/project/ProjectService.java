package dev.runnel.bot.project;

import dev.runnel.bot.token.Caller;
import dev.runnel.bot.user.UserService.User;
import dev.runnel.bot.user.UserService;
import dev.runnel.contracts.BotEvent;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Projects and their members. Permissions here are read from the database, not from the caller's
 * token, so a change of role counts at once. A project always keeps an owner.
 */
@ApplicationScoped
public class ProjectService {

    private final Db db;
    private final UserService users;
    private final BotEvents botEvents;

    public ProjectService(Db db, UserService users, BotEvents botEvents) {
        this.db = db;
        this.users = users;
        this.botEvents = botEvents;
    }

    /** A project, with the caller's role in it. */
    public record Project(String id, String name, String createdBy, Instant createdAt, String role) {
    }

    /** A member of a project. */
    public record Member(String userId, String username, String kind, String role, Instant createdAt) {
    }

    @Transactional
    public Project create(String name, Caller caller) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw Refusal.invalid("name", "is required, at most 100 characters");
        }
        String id = Ids.next();
        db.update("INSERT INTO projects (id, name, created_by) VALUES (?, ?, ?)", id, name, caller.userId());
        db.update("INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)", id, caller.userId(), Roles.OWNER);
        return get(id, caller);
    }

    public Project get(String projectId, Caller caller) {
        String role = requireMember(projectId, caller);
        return db.one("SELECT id, name, created_by, created_at FROM projects WHERE id = ?",
                rs -> new Project(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        role), projectId).orElseThrow(() -> notFound(projectId));
    }

    public List<Project> mine(Caller caller) {
        return db.list("SELECT p.id, p.name, p.created_by, p.created_at, m.role FROM projects p JOIN members m"
                + " ON m.project_id = p.id WHERE m.user_id = ? ORDER BY p.created_at", rs -> new Project(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5)), caller.userId());
    }

    public List<Member> members(String projectId, Caller caller) {
        requireMember(projectId, caller);
        return db.list(MEMBER_SELECT + " WHERE m.project_id = ? ORDER BY m.created_at", MEMBER, projectId);
    }

    public Member member(String projectId, String userIdOrName, Caller caller) {
        requireMember(projectId, caller);
        return findMember(projectId, userIdOrName).orElseThrow(() -> Refusal.notFound("member", userIdOrName));
    }

    @Transactional
    public Member add(String projectId, String userIdOrName, String role, Caller caller) {
        requireRole(projectId, caller, Set.of(Roles.OWNER));
        checkRole(role);
        if (userIdOrName == null || userIdOrName.isBlank()) {
            throw Refusal.invalid("userId", "is required (a user id or username)");
        }
        User user = users.byIdOrName(userIdOrName)
                .orElseThrow(() -> Refusal.invalid("userId", "no user '" + userIdOrName + "'"));
        try {
            db.update("INSERT INTO members (project_id, user_id, role) VALUES (?, ?, ?)", projectId, user.id(), role);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                throw Refusal.conflict(user.username() + " is already a member of project " + projectId);
            }
            throw e;
        }
        return findMember(projectId, user.id()).orElseThrow();
    }

    @Transactional
    public Member changeRole(String projectId, String userIdOrName, String role, Caller caller) {
        requireRole(projectId, caller, Set.of(Roles.OWNER));
        checkRole(role);
        Member member = lockMember(projectId, userIdOrName);
        if (Roles.OWNER.equals(member.role()) && !Roles.OWNER.equals(role)) {
            keepAnOwner(projectId);
        }
        db.update("UPDATE members SET role = ? WHERE project_id = ? AND user_id = ?", role, projectId, member.userId());
        if ("bot".equals(member.kind()) && Roles.WRITERS.contains(member.role()) && !Roles.WRITERS.contains(role)) {
            botEvents.publish(BotEvent.Type.BotDemoted, projectId, member.userId(), member.username(), role);
        }
        return findMember(projectId, member.userId()).orElseThrow();
    }

    @Transactional
    public void remove(String projectId, String userIdOrName, Caller caller) {
        String callerRole = requireMember(projectId, caller);
        Member member = lockMember(projectId, userIdOrName);
        if (!member.userId().equals(caller.userId()) && !Roles.OWNER.equals(callerRole)) {
            throw Refusal.notPermitted("only an owner removes other members");
        }
        if (Roles.OWNER.equals(member.role())) {
            keepAnOwner(projectId);
        }
        db.update("DELETE FROM members WHERE project_id = ? AND user_id = ?", projectId, member.userId());
        if ("bot".equals(member.kind())) {
            botEvents.publish(BotEvent.Type.BotRemoved, projectId, member.userId(), member.username(), null);
        }
    }

    /** The caller's role in the project, or 404 when it is not a member (ids do not leak). */
    public String requireMember(String projectId, Caller caller) {
        return roleOf(projectId, caller.userId()).orElseThrow(() -> notFound(projectId));
    }

    /** The caller's role when it is one of {@code allowed}; 404 for non-members, 403 for weaker roles. */
    public String requireRole(String projectId, Caller caller, Set<String> allowed) {
        String role = requireMember(projectId, caller);
        if (!allowed.contains(role)) {
            throw Refusal.notPermitted("your role in project " + projectId + " is " + role + "; this needs "
                    + String.join(" or ", allowed.stream().sorted().toList()));
        }
        return role;
    }

    public Optional<String> roleOf(String projectId, String userId) {
        return db.one("SELECT role FROM members WHERE project_id = ? AND user_id = ?", rs -> rs.getString(1),
                projectId, userId);
    }

    private static final String MEMBER_SELECT = "SELECT m.user_id, u.username, u.kind, m.role, m.created_at"
            + " FROM members m JOIN users u ON u.id = m.user_id";
    private static final Db.Row<Member> MEMBER = rs -> new Member(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getTimestamp(5).toInstant());

    private Optional<Member> findMember(String projectId, String userIdOrName) {
        return db.one(MEMBER_SELECT + " WHERE m.project_id = ? AND (u.id = ? OR u.username = ?)", MEMBER, projectId,
                userIdOrName, userIdOrName);
    }

    private Member lockMember(String projectId, String userIdOrName) {
        db.list("SELECT 1 FROM members WHERE project_id = ? FOR UPDATE", rs -> 1, projectId);
        return findMember(projectId, userIdOrName).orElseThrow(() -> Refusal.notFound("member", userIdOrName));
    }

    private void keepAnOwner(String projectId) {
        if (db.count("SELECT count(*) FROM members WHERE project_id = ? AND role = 'owner'", projectId) <= 1) {
            throw Refusal.conflict("project " + projectId + " must keep at least one owner");
        }
    }

    private static void checkRole(String role) {
        if (!Roles.isRole(role)) {
            throw Refusal.invalid("role", "'" + role + "' is not a role; one of " + String.join(", ", Roles.ALL));
        }
    }

    static Refusal notFound(String projectId) {
        return Refusal.notFound("project", projectId);
    }
}
