package dev.runnel.bot.project;

import dev.runnel.contracts.BotEvent;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Publishes on {@code bot-events}, through the outbox, what weakens a bot in a project. */
@ApplicationScoped
public class BotEvents {

    private final Outbox outbox;

    public BotEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public void publish(BotEvent.Type type, String projectId, String botUserId, String botUserName, String role) {
        String eventId = Outbox.newEventId();
        BotEvent event = new BotEvent(eventId, type, projectId, botUserId, botUserName, role, Instant.now());
        outbox.append(Topics.BOT_EVENTS, projectId, eventId, Db.json(event));
    }
}
