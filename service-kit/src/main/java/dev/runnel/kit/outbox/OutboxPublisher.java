package dev.runnel.kit.outbox;

import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.kit.kafka.KafkaTopics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends outbox rows to Kafka in id order and deletes them once the broker acknowledged them. Only
 * one replica publishes at a time (a PostgreSQL advisory lock), and a batch stops at the first
 * failure, so the events of one key are never published out of order; what failed is sent again on
 * the next run. Delivery is at least once: consumers are idempotent on the event id header.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);
    private static final int BATCH = 200;

    private final Db db;
    private final OutboxConfig config;
    private final String bootstrapServers;
    private final String application;
    private final long lockKey;
    private KafkaProducer<String, String> producer;
    private volatile boolean topicsReady;
    private volatile boolean failing;
    private volatile boolean running = true;
    private final Semaphore wakeups = new Semaphore(0);
    private Thread loop;

    public OutboxPublisher(Db db, OutboxConfig config,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           @ConfigProperty(name = "quarkus.application.name") String application) {
        this.db = db;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.application = application;
        // one publisher per service at a time: services share a database, each has its own lock
        this.lockKey = 0x52554e4e454c0000L | (application.hashCode() & 0xffffL);
    }

    record Row(long id, String topic, String key, String payload, String eventId, String traceparent) {
    }

    void start(@Observes StartupEvent event) {
        loop = new Thread(this::run, "outbox-publisher");
        loop.setDaemon(true);
        loop.start();
    }

    /** Asks for a publish run now (after a commit that appended events). */
    void wake() {
        wakeups.release();
    }

    private void run() {
        while (running) {
            try {
                boolean woken = wakeups.tryAcquire(config.interval().toMillis(), TimeUnit.MILLISECONDS);
                if (woken && running && !config.linger().isZero()) {
                    Thread.sleep(config.linger().toMillis()); // gather the events of the commits that follow
                }
                wakeups.drainPermits();
                if (running) {
                    // a run nothing woke looks for events whose wake this instance never had (another
                    // instance's commit): those older than the linger, so that it never cuts one short
                    Duration age = woken ? Duration.ZERO : config.linger();
                    QuarkusTransaction.requiringNew().run(() -> publishPending(age));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("outbox: publish run failed: %s", e.getMessage());
                try {
                    Thread.sleep(config.interval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Publishes the pending events at least {@code age} old. */
    private void publishPending(Duration age) {
        // the lock first, then the rows in a statement of their own: a statement sees the rows as they were
        // when it began, so rows read in the statement that took the lock could be ones the instance that
        // held it had just sent and deleted, and they went out twice
        if (!db.one("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), lockKey).orElse(false)) {
            return;
        }
        List<Row> rows = db.list("SELECT id, topic, msg_key, payload, event_id, traceparent FROM outbox"
                + " WHERE created_at <= now() - CAST(? AS interval) ORDER BY id LIMIT " + BATCH,
                rs -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)), age.toMillis() + " milliseconds");
        if (rows.isEmpty()) {
            return;
        }
        List<Long> sent = new ArrayList<>();
        try {
            ensureTopics();
            List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
                record.headers().add(Topics.HEADER_EVENT_ID, row.eventId().getBytes(StandardCharsets.UTF_8));
                record.headers().add(Topics.HEADER_TRACEPARENT, row.traceparent().getBytes(StandardCharsets.UTF_8));
                acks.add(producer().send(record));
            }
            // the idempotent producer keeps the order of one partition; delete only the acknowledged prefix
            for (int i = 0; i < rows.size(); i++) {
                acks.get(i).get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                sent.add(rows.get(i).id());
            }
            if (failing) {
                LOG.info("outbox: Kafka reachable again, publishing resumed");
                failing = false;
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("outbox: cannot publish to Kafka (%s); %d event(s) wait and will be retried",
                        e.getMessage(), rows.size() - sent.size());
                failing = true;
            }
            resetProducer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!sent.isEmpty()) {
            db.update("DELETE FROM outbox WHERE id = ANY (?)", (Object) sent.toArray(Long[]::new));
        }
    }

    /** Creates the topics this service writes, with their cleanup policy, before the first publish. */
    private void ensureTopics() throws ExecutionException, InterruptedException, TimeoutException {
        if (topicsReady) {
            return;
        }
        try (Admin admin = KafkaClients.admin(bootstrapServers)) {
            for (Map.Entry<String, String> topic : config.topics().entrySet()) {
                KafkaTopics.createIfMissing(admin, new NewTopic(topic.getKey(), config.partitions(), (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, topic.getValue())));
            }
        }
        topicsReady = true;
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = KafkaClients.producer(bootstrapServers, Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(5000 + 1,
                            config.sendTimeout().toMillis())),
                    ProducerConfig.CLIENT_ID_CONFIG, application + "-outbox"));
        }
        return producer;
    }

    private synchronized void resetProducer() {
        if (producer != null) {
            producer.close(java.time.Duration.ZERO);
            producer = null;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
        if (loop != null) {
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        resetProducer();
    }
}
