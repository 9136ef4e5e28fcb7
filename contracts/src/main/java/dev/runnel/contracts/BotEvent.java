package dev.runnel.contracts;

import java.time.Instant;

/**
 * A bot lost (some of) its power in a project, on {@link Topics#BOT_EVENTS} keyed by project id:
 * services running as this bot there will fail their executions until it is fixed.
 * Schema: {@code schemas/bot-event.v1.json}.
 */
public record BotEvent(
        String eventId,
        Type type,
        String projectId,
        String botUserId,
        String botUserName,
        String role,
        Instant occurredAt) {

    public static final String SCHEMA = "schemas/bot-event.v1.json";

    /** What happened to the bot. */
    public enum Type {
        /** The bot was deleted: it is gone from every project. */
        BotDeleted,
        /** The bot was removed from this project's members. */
        BotRemoved,
        /** The bot's role in this project fell below developer ({@code role} says which it is now). */
        BotDemoted,
        /** The bot's credentials were revoked. */
        CredentialsRevoked
    }
}
