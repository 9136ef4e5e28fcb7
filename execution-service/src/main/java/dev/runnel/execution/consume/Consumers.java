package dev.runnel.execution.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.ExecutionLogLines;
import dev.runnel.contracts.ExecutionRequest;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.Topics;
import dev.runnel.execution.execution.AttemptProofs;
import dev.runnel.execution.execution.ExecutionRepository;
import dev.runnel.execution.execution.ExecutionService;
import dev.runnel.execution.execution.StatusReports;
import dev.runnel.kit.kafka.RecordHeaders;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.json.NulChars;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What execution-service consumes: replicas' status reports, heartbeats and logs, and requests to
 * create executions. Logs and requests are handled once (their event id is recorded in the same
 * transaction); status reports and heartbeats change nothing when read twice.
 */
@ApplicationScoped
public class Consumers {

    private static final Logger LOG = Logger.getLogger(Consumers.class);

    private final ExecutionRepository repository;
    private final ExecutionService executions;
    private final StatusReports reports;
    private final AttemptProofs proofs;
    private final Counter unproven;
    private final String bootstrap;
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private volatile ConsumerLoop heartbeats;

    public Consumers(ExecutionRepository repository, ExecutionService executions, StatusReports reports,
                     AttemptProofs proofs, MeterRegistry metrics,
                     @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.repository = repository;
        this.proofs = proofs;
        this.unproven = Counter.builder("runnel_status_reports_refused")
                .description("status reports refused because they did not prove their attempt").register(metrics);
        this.executions = executions;
        this.reports = reports;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        // status reports are idempotent by the execution's state (see StatusReports.apply): no event id record;
        // a poll's reports are applied in one transaction
        loops.add(ConsumerLoop.startBatches(bootstrap, "execution-service-status", List.of(Topics.EXECUTION_STATUS),
                "earliest", records -> inOneTransaction(records, record ->
                        readable(record, ExecutionStatusUpdate.class).filter(this::proven).ifPresent(reports::apply))));
        // every instance reads every heartbeat (no group): no wait for a rebalance after a restart
        heartbeats = ConsumerLoop.startReading(bootstrap, "execution-heartbeats", List.of(Topics.REPLICA_HEARTBEATS),
                "latest", record -> readable(record, ReplicaHeartbeat.class).ifPresent(this::heartbeat));
        loops.add(heartbeats);
        loops.add(ConsumerLoop.startBatches(bootstrap, "execution-service-logs", List.of(Topics.EXECUTION_LOGS),
                "earliest", records -> inOneTransaction(records, record -> {
                    if (firstTime(record)) {
                        readable(record, ExecutionLogLines.class).ifPresent(this::logs);
                    }
                })));
        // a poll's requests are created in one transaction; a refused one writes nothing and is dropped
        loops.add(ConsumerLoop.startBatches(bootstrap, "execution-service-requests",
                List.of(Topics.EXECUTION_REQUESTS), "earliest", records -> inOneTransaction(records, record -> {
                    if (firstTime(record)) {
                        readable(record, ExecutionRequest.class).ifPresent(this::request);
                    }
                })));
    }

    /**
     * How long this instance has heard every replica's heartbeats without a break (zero before it
     * started, while the broker or the database is away, and until it caught up after): a replica is
     * lost only when it was silent while its heartbeats could have been heard.
     */
    public Duration heartbeatsHeardFor() {
        ConsumerLoop loop = heartbeats;
        return loop == null ? Duration.ZERO : loop.heardFor();
    }

    void stop(@Observes ShutdownEvent event) {
        loops.forEach(ConsumerLoop::close);
    }

    /**
     * Handles records in one transaction. A batch whose transaction was marked for rollback fails
     * (ConsumerLoop then hands its records over one at a time) instead of rolling back in silence.
     */
    private static void inOneTransaction(List<ConsumerRecord<String, String>> records,
                                         java.util.function.Consumer<ConsumerRecord<String, String>> each) {
        QuarkusTransaction.requiringNew().run(() -> {
            records.forEach(each);
            if (records.size() > 1 && QuarkusTransaction.isRollbackOnly()) {
                throw new IllegalStateException("a record of the batch failed its transaction");
            }
        });
    }

    /**
     * Whether a status report proves it comes from a replica that was given the attempt's work; a
     * report that does not is counted and logged, never applied.
     */
    private boolean proven(ExecutionStatusUpdate update) {
        if (proofs.verifies(update.executionId(), update.attempt(), update.proof())) {
            return true;
        }
        unproven.increment();
        LOG.warnf("status report %s for attempt %d of execution %s refused: %s (replica %s)", update.eventId(),
                update.attempt(), update.executionId(), update.proof() == null ? "it carries no proof"
                        : "its proof is not the attempt's", update.replicaId());
        return false;
    }

    /** Records the message's event id in the current transaction; false when it was handled before. */
    private boolean firstTime(ConsumerRecord<String, String> record) {
        String eventId = header(record, Topics.HEADER_EVENT_ID);
        return eventId == null || repository.firstTime(eventId);
    }

    private void heartbeat(ReplicaHeartbeat beat) {
        QuarkusTransaction.requiringNew().run(() -> repository.seen(beat.replicaId(), beat.serviceId(),
                beat.inFlight()));
    }

    private void logs(ExecutionLogLines batch) {
        for (ExecutionLogLines.Line line : batch.lines()) {
            repository.log(batch.executionId(), batch.serviceId(), line.timestamp(), line.level(), line.message());
        }
    }

    private void request(ExecutionRequest request) {
        try {
            executions.create(Ids.next(), request.serviceId(), new ExecutionService.Create(request.functionName(),
                    request.projectId(), request.input(), request.idempotencyKey()), null, request.creator(),
                    request.triggerId(), request.event());
        } catch (Refusal refused) {
            // a request that can never succeed (unknown service, bad input) is dropped, not retried forever
            LOG.warnf("execution request %s for service %s refused: %s", request.eventId(), request.serviceId(),
                    refused.getMessage());
        }
    }

    /** A message, or nothing (logged) when it cannot be read: an unreadable message is skipped, not retried forever. */
    private static <T> Optional<T> readable(ConsumerRecord<String, String> record, Class<T> type) {
        try {
            return Optional.of(read(record, type));
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable message at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return RecordHeaders.text(record, name);
    }

    private static <T> T read(ConsumerRecord<String, String> record, Class<T> type) {
        try {
            // a NUL is kept escaped from the start, so that what memory serves is what the database keeps
            return Json.mapper().readValue(NulChars.escapeJson(record.value()), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
