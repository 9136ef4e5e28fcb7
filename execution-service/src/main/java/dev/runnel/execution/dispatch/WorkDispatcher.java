package dev.runnel.execution.dispatch;

import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.kafka.KafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends work items to their service's work topic the moment the transaction that wrote them
 * commits. The execution row is the outbox of its work item (ADR 0007): a send that is lost (the
 * process dies between commit and send, or Kafka refuses it) is sent again by the sweeper once no
 * replica has taken the execution for {@code runnel.execution.redispatch-after}.
 */
@ApplicationScoped
public class WorkDispatcher {

    private static final Logger LOG = Logger.getLogger(WorkDispatcher.class);

    private final Db db;
    private final String bootstrap;
    private KafkaProducer<String, String> producer;

    public WorkDispatcher(Db db, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.db = db;
        this.bootstrap = bootstrap;
    }

    /** Sends {@code item} once the current transaction commits; nothing when it rolls back. */
    public void afterCommit(WorkItem item) {
        String payload = Db.json(item);
        db.afterCommit(() -> send(item, payload));
    }

    private void send(WorkItem item, String payload) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.work(item.serviceId()), item.executionId(),
                payload);
        record.headers().add(Topics.HEADER_EVENT_ID, item.eventId().getBytes(StandardCharsets.UTF_8));
        try {
            producer().send(record, (metadata, error) -> {
                if (error != null) {
                    LOG.warnf("work item of execution %s not sent (%s); the sweeper sends it again",
                            item.executionId(), error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("work item of execution %s not sent (%s); the sweeper sends it again", item.executionId(),
                    e.getMessage());
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            // a commit must not hang on a broker that is away: the sweeper sends again later
            producer = KafkaClients.producer(bootstrap, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000",
                    ProducerConfig.CLIENT_ID_CONFIG, "execution-service-work"));
        }
        return producer;
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
