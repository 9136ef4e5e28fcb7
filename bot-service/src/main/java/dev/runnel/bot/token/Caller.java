package dev.runnel.bot.token;

import dev.runnel.kit.error.Refusal;
import java.util.Map;

/**
 * Who calls, from a verified token: a user, a bot or an internal service, with its roles per
 * project as they were when the token was issued.
 */
public record Caller(String userId, String username, String kind, boolean admin, Map<String, String> projects) {

    public static final String OPERATOR = "runner-operator";

    public boolean isBot() {
        return "bot".equals(kind);
    }

    /**
     * Refuses a bot: a bot's token runs a service's code, and must not widen what the project's
     * people gave it (mint keys, make projects, change who is a member).
     */
    public void mustNotBeABot(String what) {
        if (isBot()) {
            throw Refusal.notPermitted("a bot may not " + what);
        }
    }

    public boolean isOperator() {
        return "service".equals(kind) && OPERATOR.equals(username);
    }
}
