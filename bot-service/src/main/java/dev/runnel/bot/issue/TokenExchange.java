package dev.runnel.bot.issue;

import dev.runnel.bot.project.BotService;
import dev.runnel.bot.project.ProjectService;
import dev.runnel.bot.project.Roles;
import dev.runnel.bot.user.UserService.User;
import dev.runnel.bot.token.TokenService;
import dev.runnel.bot.user.UserService;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Exchanges an API key (a user's, a bot credential or the operator's) for a token. A bot gets one
 * only while it is a developer (or owner) of its home project.
 */
@ApplicationScoped
public class TokenExchange {

    private final UserService users;
    private final BotService bots;
    private final ProjectService projects;
    private final TokenService tokens;

    public TokenExchange(UserService users, BotService bots, ProjectService projects, TokenService tokens) {
        this.users = users;
        this.bots = bots;
        this.projects = projects;
        this.tokens = tokens;
    }

    public TokenService.Issued exchange(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw Refusal.invalid("apiKey", "is required");
        }
        User user = users.authenticate(apiKey);
        Map<String, String> roles = users.roles(user.id());
        if ("bot".equals(user.kind())) {
            String home = bots.homeProject(user.id());
            String role = home == null ? null : projects.roleOf(home, user.id()).orElse(null);
            if (role == null || !Roles.WRITERS.contains(role)) {
                throw Refusal.notPermitted("bot '" + user.username() + "' is " + (role == null
                        ? "no longer a member" : "only " + role) + " of project " + home
                        + "; a service's bot must be a developer of its project");
            }
            roles = Map.of(home, role); // a bot's token names its own project, and no other
        }
        return tokens.issue(user.id(), user.username(), user.email(), user.kind(), user.admin(), roles);
    }
}
