package dev.runnel.execution.deadletter;

import dev.runnel.auth.Caller;
import dev.runnel.contracts.DeadLetterRedrive;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.RecordHeaders;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The administrator's desk for dead letters (ADR 18): every letter any consumer of the platform wrote
 * on {@code dead-letters} is kept in {@code dead_letters}; the admin lists them, shows one, and
 * redrives them. A redrive is an order on {@code dead-letter-redrives} (through the outbox, in the
 * transaction that counts it) that the consumer which gave the record up carries out: it reads the
 * record again from its own topic and handles it once more.
 */
@ApplicationScoped
public class DeadLetterDesk {

    /** At most this many letters per batch redrive. */
    static final int MAX_BATCH = 1000;

    private final DeadLetterRepository letters;
    private final Outbox outbox;
    private final String bootstrap;
    private ConsumerLoop keeper;

    public DeadLetterDesk(DeadLetterRepository letters, Outbox outbox,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.letters = letters;
        this.outbox = outbox;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        keeper = ConsumerLoop.start(bootstrap, "execution-service-dead-letters", List.of(Topics.DEAD_LETTERS),
                "earliest", record -> QuarkusTransaction.requiringNew().run(() -> letters.keep(letter(record))));
    }

    void stop(@Observes ShutdownEvent event) {
        if (keeper != null) {
            keeper.close();
        }
    }

    public Page<DeadLetter> list(String topic, String consumer, PageRequest page, Caller caller) {
        caller.mustBeAdmin("lists dead letters");
        return letters.list(topic, consumer, page);
    }

    public DeadLetter get(String id, Caller caller) {
        caller.mustBeAdmin("reads dead letters");
        return letters.find(id).orElseThrow(() -> Refusal.notFound("dead letter", id));
    }

    /** Sends one letter back to its consumer; the letter as it is now. */
    @Transactional
    public DeadLetter redrive(String id, Caller caller) {
        caller.mustBeAdmin("redrives dead letters");
        DeadLetter letter = letters.lock(id).orElseThrow(() -> Refusal.notFound("dead letter", id));
        if (!letter.redrivable()) {
            throw Refusal.conflict("dead letter " + id + " names no consumer of the platform to send it back to"
                    + " (a SmallRye channel wrote it); read it with a Kafka client");
        }
        order(letter, caller);
        return letters.find(id).orElseThrow().withoutValue();
    }

    /** Sends back every letter of {@code topic} and {@code consumer} (when given) that was never sent back; how many. */
    @Transactional
    public int redriveAll(String topic, String consumer, Caller caller) {
        caller.mustBeAdmin("redrives dead letters");
        int sent = 0;
        for (DeadLetter letter : letters.lockNeverRedriven(topic, consumer, MAX_BATCH)) {
            if (letter.redrivable()) {
                order(letter, caller);
                sent++;
            }
        }
        return sent;
    }

    private void order(DeadLetter letter, Caller caller) {
        Instant now = Instant.now();
        String eventId = Outbox.newEventId();
        outbox.append(Topics.DEAD_LETTER_REDRIVES, letter.consumer(), eventId, Db.json(new DeadLetterRedrive(eventId,
                letter.id(), letter.consumer(), letter.topic(), letter.partition(), letter.offset(), caller.userId(),
                now)));
        letters.redriven(letter.id(), now, caller.userId());
    }

    /** A letter as read from {@code dead-letters}: the record's place and why it died are in its headers. */
    static DeadLetter letter(ConsumerRecord<String, String> record) {
        String topic = header(record, "dead-letter-topic");
        return new DeadLetter(record.partition() + "-" + record.offset(), header(record, "dead-letter-consumer"),
                topic == null ? "?" : topic, (int) number(header(record, "dead-letter-partition")),
                number(header(record, "dead-letter-offset")), record.key(), header(record, "dead-letter-reason"),
                header(record, "dead-letter-cause"), Instant.ofEpochMilli(record.timestamp()), 0, null, null,
                record.value());
    }

    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return RecordHeaders.text(record, name);
    }
}
