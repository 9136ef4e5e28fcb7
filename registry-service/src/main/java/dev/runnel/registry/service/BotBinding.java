package dev.runnel.registry.service;

import dev.runnel.kit.error.Refusal;
import dev.runnel.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Binds a service to exactly one bot: the one it names, which must be a bot of the service's own
 * project with the developer (or owner) role there, or else the project's default bot, created the
 * first time. A bot of another project is refused, whatever its memberships.
 */
@ApplicationScoped
public class BotBinding {

    private static final Set<String> WRITERS = Set.of("owner", "developer");

    private final BotClient bots;

    public BotBinding(@RestClient BotClient bots) {
        this.bots = bots;
    }

    /** The bot user name a service of {@code projectId} runs as. */
    public String bind(String projectId, String requested, Caller caller) {
        String auth = "Bearer " + caller.rawToken();
        try {
            if (requested == null || requested.isBlank()) {
                return bots.defaultBot(auth, projectId).userName();
            }
            BotClient.Bot bot = bots.bot(auth, projectId, requested);
            BotClient.Member member = bots.member(auth, projectId, bot.id());
            if (!projectId.equals(bot.projectId()) || !WRITERS.contains(member.role())) {
                throw notABot(requested, projectId);
            }
            return bot.userName();
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                throw notABot(requested, projectId);
            }
            if (e.getResponse().getStatus() == 403) {
                throw Refusal.notPermitted("you may not use the bots of project " + projectId);
            }
            throw Refusal.unavailable("bot-service answered " + e.getResponse().getStatus());
        } catch (ProcessingException e) {
            throw Refusal.unavailable("bot-service is unreachable: " + e.getMessage());
        }
    }

    private static Refusal notABot(String requested, String projectId) {
        return Refusal.invalid("botUserName", "'" + requested + "' is not a bot with the developer role in"
                + " project " + projectId);
    }
}
