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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Projects and their members. Permissions here are read from the database, not from the caller's
 * token, so a change of role counts at once. A project always keeps an owner.
 */
@ApplicationScoped
public class ProjectService {

    private final ProjectRepository repository;
    private final BotRepository bots;
    private final UserService users;
    private final BotEvents botEvents;

    private final int projectsPerUser;

    public ProjectService(ProjectRepository repository, BotRepository bots, UserService users, BotEvents botEvents,
                          @ConfigProperty(name = "runnel.quota.projects-per-user", defaultValue = "20")
                          int projectsPerUser) {
        this.projectsPerUser = projectsPerUser;
        this.repository = repository;
        this.bots = bots;
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
        caller.mustNotBeABot("create projects");
        if (name == null || name.isBlank() || name.length() > 100) {
            throw Refusal.invalid("name", "is required, at most 100 characters");
        }
        if (!caller.admin()) {
            long made = repository.madeBy(caller.userId());
            if (made + 1 > projectsPerUser) {
                throw Refusal.overQuota("projects-per-user", "user " + caller.username(), "projects", made, 1,
                        projectsPerUser);
            }
        }
        String id = Ids.next();
        repository.insert(id, name, caller.userId());
        repository.insertMember(id, caller.userId(), Roles.OWNER);
        return get(id, caller);
    }

    public Project get(String projectId, Caller caller) {
        String role = requireMember(projectId, caller);
        return repository.find(projectId, role).orElseThrow(() -> notFound(projectId));
    }

    public List<Project> mine(Caller caller) {
        return repository.of(caller.userId());
    }

    public List<Member> members(String projectId, Caller caller) {
        requireMember(projectId, caller);
        return repository.members(projectId);
    }

    public Member member(String projectId, String userIdOrName, Caller caller) {
        requireMember(projectId, caller);
        return repository.member(projectId, userIdOrName).orElseThrow(() -> Refusal.notFound("member", userIdOrName));
    }

    @Transactional
    public Member add(String projectId, String userIdOrName, String role, Caller caller) {
        caller.mustNotBeABot("add members");
        requireRole(projectId, caller, Set.of(Roles.OWNER));
        checkRole(role);
        if (userIdOrName == null || userIdOrName.isBlank()) {
            throw Refusal.invalid("userId", "is required (a user id or username)");
        }
        User user = users.byIdOrName(userIdOrName)
                .orElseThrow(() -> Refusal.invalid("userId", "no user '" + userIdOrName + "'"));
        String home = "bot".equals(user.kind()) ? bots.homeProject(user.id()).orElse(null) : projectId;
        if (!projectId.equals(home)) {
            throw Refusal.invalid("userId", "'" + user.username() + "' is a bot of project " + home
                    + "; a bot belongs to its own project only");
        }
        try {
            repository.insertMember(projectId, user.id(), role);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                throw Refusal.conflict(user.username() + " is already a member of project " + projectId);
            }
            throw e;
        }
        return repository.member(projectId, user.id()).orElseThrow();
    }

    @Transactional
    public Member changeRole(String projectId, String userIdOrName, String role, Caller caller) {
        caller.mustNotBeABot("change roles");
        requireRole(projectId, caller, Set.of(Roles.OWNER));
        checkRole(role);
        Member member = lockMember(projectId, userIdOrName);
        if (Roles.OWNER.equals(member.role()) && !Roles.OWNER.equals(role)) {
            keepAnOwner(projectId);
        }
        repository.setRole(projectId, member.userId(), role);
        if ("bot".equals(member.kind()) && Roles.WRITERS.contains(member.role()) && !Roles.WRITERS.contains(role)) {
            users.revokeAll(member.userId(), member.username() + " was made " + role + " of project " + projectId
                    + "; a service's bot must be a developer of its project");
            botEvents.publish(BotEvent.Type.BotDemoted, projectId, member.userId(), member.username(), role);
        }
        return repository.member(projectId, member.userId()).orElseThrow();
    }

    @Transactional
    public void remove(String projectId, String userIdOrName, Caller caller) {
        caller.mustNotBeABot("remove members");
        String callerRole = requireMember(projectId, caller);
        Member member = lockMember(projectId, userIdOrName);
        if (!member.userId().equals(caller.userId()) && !Roles.OWNER.equals(callerRole)) {
            throw Refusal.notPermitted("only an owner removes other members");
        }
        if (Roles.OWNER.equals(member.role())) {
            keepAnOwner(projectId);
        }
        repository.deleteMember(projectId, member.userId());
        if ("bot".equals(member.kind())) {
            users.revokeAll(member.userId(), member.username() + " was removed from project " + projectId);
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
        return repository.role(projectId, userId);
    }

    private Member lockMember(String projectId, String userIdOrName) {
        repository.lockMembers(projectId);
        return repository.member(projectId, userIdOrName).orElseThrow(() -> Refusal.notFound("member", userIdOrName));
    }

    private void keepAnOwner(String projectId) {
        if (repository.owners(projectId) <= 1) {
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
