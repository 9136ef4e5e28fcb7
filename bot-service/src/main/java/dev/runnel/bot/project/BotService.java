package dev.runnel.bot.project;

import dev.runnel.bot.token.Caller;
import dev.runnel.bot.user.UserService.User;
import dev.runnel.bot.user.UserService;
import dev.runnel.contracts.BotEvent;
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
    private static final Pattern BINDING = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private final BotRepository repository;
    private final ProjectRepository projectRepository;
    private final UserService users;
    private final ProjectService projects;
    private final BotEvents botEvents;

    public BotService(BotRepository repository, ProjectRepository projectRepository, UserService users,
                      ProjectService projects, BotEvents botEvents) {
        this.repository = repository;
        this.projectRepository = projectRepository;
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
        caller.mustNotBeABot("create bots");
        projects.requireRole(projectId, caller, Roles.WRITERS);
        if (name == null || !NAME.matcher(name).matches()) {
            throw Refusal.invalid("name", "'" + name + "' must be 1 to 63 lowercase letters, digits or '-'");
        }
        if (repository.exists(projectId, name)) {
            throw Refusal.conflict("project " + projectId + " already has a bot named '" + name + "'");
        }
        return insert(projectId, name, returnCredentials, caller);
    }

    /** The project's default bot, created the first time it is asked for. */
    @Transactional
    public Bot defaultBot(String projectId, Caller caller) {
        projects.requireRole(projectId, caller, Roles.WRITERS);
        projectRepository.lock(projectId);
        return repository.named(projectId, DEFAULT_BOT)
                .orElseGet(() -> insert(projectId, DEFAULT_BOT, false, caller));
    }

    public List<Bot> list(String projectId, Caller caller) {
        projects.requireMember(projectId, caller);
        return repository.list(projectId);
    }

    public Bot get(String projectId, String botId, Caller caller) {
        projects.requireMember(projectId, caller);
        return find(projectId, botId);
    }

    /** Deletes a bot: its keys stop working, and its project hears of it while the bot was still a member. */
    @Transactional
    public void delete(String projectId, String botId, Caller caller) {
        caller.mustNotBeABot("delete bots");
        projects.requireRole(projectId, caller, Roles.WRITERS);
        Bot bot = find(projectId, botId);
        if (projectRepository.role(projectId, bot.id()).isPresent()) {
            botEvents.publish(BotEvent.Type.BotDeleted, projectId, bot.id(), bot.userName(), null);
        }
        users.delete(bot.id());
    }

    /**
     * A new credential of a bot for the replicas of one service ({@code binding}, the service id; the
     * credentials issued for that service before are revoked), or with no binding, one more; only the
     * runner-operator may ask.
     */
    @Transactional
    public UserService.CreatedKey issueCredential(String botIdOrName, String binding, Caller caller) {
        mustBeTheOperator(caller);
        User bot = users.byIdOrName(botIdOrName).filter(u -> "bot".equals(u.kind()))
                .orElseThrow(() -> Refusal.notFound("bot", botIdOrName));
        if (binding == null) {
            return users.newKey(bot.id(), "replica credential");
        }
        if (!BINDING.matcher(binding).matches()) {
            throw Refusal.invalid("binding", "'" + binding + "' is not a service id");
        }
        return users.newBoundKey(bot.id(), binding);
    }

    /** The service of a binding was deleted: the credentials issued for it are revoked. */
    @Transactional
    public void endBinding(String binding, Caller caller) {
        mustBeTheOperator(caller);
        users.endBinding(binding);
    }

    private static void mustBeTheOperator(Caller caller) {
        if (!caller.isOperator()) {
            throw Refusal.notPermitted("only the runner-operator may fetch bot credentials");
        }
    }

    /** A bot's home project, or null when the user is not a bot. */
    public String homeProject(String botUserId) {
        return repository.homeProject(botUserId).orElse(null);
    }

    private Bot insert(String projectId, String name, boolean returnCredentials, Caller caller) {
        User user = users.create("bot." + name + "@" + projectId, null, "bot", false);
        repository.insert(user.id(), projectId, name, caller.userId());
        projectRepository.insertMember(projectId, user.id(), Roles.DEVELOPER);
        String credential = returnCredentials ? users.newKey(user.id(), "credential").key() : null;
        Bot bot = find(projectId, user.id());
        return new Bot(bot.id(), bot.name(), bot.userName(), bot.projectId(), bot.createdBy(), bot.createdAt(),
                credential);
    }

    private Bot find(String projectId, String botIdOrName) {
        return repository.find(projectId, botIdOrName)
                .orElseThrow(() -> Refusal.notFound("bot", botIdOrName));
    }
}
