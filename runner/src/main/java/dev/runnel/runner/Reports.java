package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ExecutionLogLines;
import dev.runnel.contracts.ExecutionStatus;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a replica tells the platform, on its one producer: status reports of attempts, its calls' log
 * lines (gathered and sent in batches), and heartbeats. Each record carries a fresh event id.
 */
final class Reports {

    private final RunnerConfig config;
    /** Made beside the start (see {@link Replica}). */
    private final CompletableFuture<KafkaProducer<String, String>> producer;
    private final Consumer<String> log;
    private final Map<String, List<ExecutionLogLines.Line>> logs = new LinkedHashMap<>();

    Reports(RunnerConfig config, CompletableFuture<KafkaProducer<String, String>> producer, Consumer<String> log) {
        this.config = config;
        this.producer = producer;
        this.log = log;
    }

    /** What an attempt reached; {@code startedAt} on a final report of a call never reported in progress. */
    void status(WorkItem item, ExecutionStatus status, Integer percent, String message, JsonNode output,
                ExecutionStatusUpdate.Error error, Instant startedAt) {
        send(Topics.EXECUTION_STATUS, item.executionId(), new ExecutionStatusUpdate(UUID.randomUUID().toString(),
                item.executionId(), item.attempt(), config.replicaId(), status, percent, message, output, error,
                Instant.now(), startedAt, item.proof()));
    }

    /** A line a call logged; sent with the next {@link #flushLogs}. */
    void log(String executionId, ExecutionLogLines.Line line) {
        synchronized (logs) {
            logs.computeIfAbsent(executionId, id -> new ArrayList<>()).add(line);
        }
    }

    void flushLogs() {
        Map<String, List<ExecutionLogLines.Line>> batch;
        synchronized (logs) {
            if (logs.isEmpty()) {
                return;
            }
            batch = new LinkedHashMap<>(logs);
            logs.clear();
        }
        batch.forEach((executionId, lines) -> send(Topics.EXECUTION_LOGS, executionId, new ExecutionLogLines(
                UUID.randomUUID().toString(), executionId, config.spec().serviceId(), config.replicaId(), lines)));
    }

    void heartbeat(boolean ready, List<ReplicaHeartbeat.Running> running) {
        send(Topics.REPLICA_HEARTBEATS, config.spec().serviceId(), new ReplicaHeartbeat(UUID.randomUUID().toString(),
                config.spec().serviceId(), config.replicaId(), ready, running, config.spec().runtime().concurrency(),
                Instant.now()));
    }

    /** Waits until everything sent so far is written. */
    void flush() {
        producer.join().flush();
    }

    void close() {
        producer.join().close(Duration.ofSeconds(5));
    }

    private void send(String topic, String key, Object value) {
        try {
            String eventId = UUID.randomUUID().toString();
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, Json.mapper().writeValueAsString(value));
            record.headers().add(Topics.HEADER_EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            producer.join().send(record);
        } catch (IOException e) {
            log.accept("cannot serialize a message for " + topic + ": " + e);
        }
    }
}
