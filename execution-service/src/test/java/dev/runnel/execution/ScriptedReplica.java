package dev.runnel.execution;

import dev.runnel.contracts.ExecutionStatus;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A replica played by the test: it reads its service's work topic for real and answers each work
 * item with the status reports a script makes, on the real execution-status topic. (The real runner
 * and Python worker come with the runner module.)
 */
final class ScriptedReplica implements AutoCloseable {

    final String replicaId = "replica-" + UUID.randomUUID().toString().substring(0, 8);
    final List<WorkItem> received = new CopyOnWriteArrayList<>();
    final List<RunnerControl> controls = new CopyOnWriteArrayList<>();
    private final String serviceId;
    private final BiConsumer<ScriptedReplica, WorkItem> script;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean heartbeating = true;

    ScriptedReplica(String serviceId, BiConsumer<ScriptedReplica, WorkItem> script) {
        this.serviceId = serviceId;
        this.script = script;
        this.thread = new Thread(this::run, replicaId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(RunnelInfrastructure.kafka().clientSettings(
                Map.of("group.id", replicaId, "auto.offset.reset", "earliest", "metadata.max.age.ms", "1000")),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.work(serviceId), Topics.RUNNER_CONTROL));
            long lastBeat = 0;
            while (running) {
                if (heartbeating && System.currentTimeMillis() - lastBeat > 500) {
                    Platform.publish(Topics.REPLICA_HEARTBEATS, serviceId, new ReplicaHeartbeat(
                            UUID.randomUUID().toString(), serviceId, replicaId, true, List.of(), 4, Instant.now()));
                    lastBeat = System.currentTimeMillis();
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.topic().equals(Topics.RUNNER_CONTROL)) {
                        controls.add(read(record.value(), RunnerControl.class));
                    } else {
                        WorkItem item = read(record.value(), WorkItem.class);
                        received.add(item);
                        script.accept(this, item);
                    }
                }
            }
        }
    }

    void report(WorkItem item, String status, Integer percent, String message, Object output,
                ExecutionStatusUpdate.Error error) {
        report(item, status, percent, message, output, error, null);
    }

    /** A report; {@code startedAt} on a final one says the call was never reported in progress. */
    void report(WorkItem item, String status, Integer percent, String message, Object output,
                ExecutionStatusUpdate.Error error, Instant startedAt) {
        Platform.publish(Topics.EXECUTION_STATUS, item.executionId(), new ExecutionStatusUpdate(
                UUID.randomUUID().toString(), item.executionId(), item.attempt(), replicaId, ExecutionStatus.of(status), percent, message,
                output == null ? null : Json.mapper().valueToTree(output), error, Instant.now(), startedAt,
                item.proof()));
    }

    /** Whether its loop has ended (after {@link #die} or {@link #close}): it left its group. */
    boolean stopped() {
        return !thread.isAlive();
    }

    /** What a script calls for a function that takes {@code duration} to run. */
    static void callTakes(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops heartbeating, as a killed replica would. */
    void die() {
        heartbeating = false;
        running = false;
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
