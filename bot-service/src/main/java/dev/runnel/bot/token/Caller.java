package dev.runnel.bot.token;

import java.util.Map;

/**
 * Who calls, from a verified token: a user, a bot or an internal service, with its roles per
 * project as they were when the token was issued.
 */
public record Caller(String userId, String username, String kind, boolean admin, Map<String, String> projects) {

    public static final String OPERATOR = "runner-operator";

    public boolean isOperator() {
        return "service".equals(kind) && OPERATOR.equals(username);
    }
}
