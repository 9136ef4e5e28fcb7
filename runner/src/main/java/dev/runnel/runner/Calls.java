package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionLogLines;
import dev.runnel.contracts.ExecutionStatus;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The calls a replica runs: each work item taken becomes a call to the Python worker, and what the
 * worker says about it (progress, logs, the result) becomes reports. A call that ignores a request
 * to terminate ends the replica, so that the operator starts a fresh one.
 */
final class Calls {

    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(10);
    /**
     * A call reports {@code in-progress} only once it has run this long, so a short one reports its
     * whole life in one message (its final report carries {@code startedAt}), which spares a Kafka
     * message and a transaction.
     */
    private static final Duration ANNOUNCE_AFTER = Duration.ofMillis(20);

    private final RunnerConfig config;
    private final Reports reports;
    private final ScheduledExecutorService timers;
    /** The worker, which the replica attaches once its start has begun. */
    private final Supplier<PythonWorker> worker;
    private final Consumer<String> log;
    private final Map<String, Module.Function> functions = new ConcurrentHashMap<>();
    private final Map<String, WorkItem> inFlight = new ConcurrentHashMap<>();
    /** Calls not yet reported in progress, with when they started (see {@link #ANNOUNCE_AFTER}). */
    private final Map<String, Instant> unannounced = new ConcurrentHashMap<>();
    /** The (execution, attempt) pairs taken lately, so a redelivered work item runs once; only the work loop uses it. */
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private final Semaphore slotFreed = new Semaphore(0);
    private volatile String botRefusal;

    Calls(RunnerConfig config, Reports reports, ScheduledExecutorService timers, Supplier<PythonWorker> worker,
          Consumer<String> log) {
        this.config = config;
        this.reports = reports;
        this.timers = timers;
        this.worker = worker;
        this.log = log;
        config.spec().module().functions().forEach(f -> functions.put(f.name(), f));
    }

    int inFlight() {
        return inFlight.size();
    }

    List<ReplicaHeartbeat.Running> running() {
        return inFlight.values().stream().map(w -> new ReplicaHeartbeat.Running(w.executionId(), w.attempt())).toList();
    }

    /** Waits at most {@code millis} for a call to end. */
    void awaitSlot(long millis) throws InterruptedException {
        slotFreed.tryAcquire(millis, TimeUnit.MILLISECONDS);
        slotFreed.drainPermits();
    }

    /** The bot was refused: calls taken from now on fail with {@code why}; null when it is accepted again. */
    void botRefused(String why) {
        botRefusal = why;
    }

    /** Starts a call of a work item, unless it ran here lately, its deadline passed, or the bot is refused. */
    void take(WorkItem item) throws IOException {
        if (!seen.add(item.executionId() + "#" + item.attempt())) {
            return;
        }
        if (item.deadline() != null && item.deadline().isBefore(Instant.now())) {
            return;
        }
        String refusal = botRefusal;
        if (refusal != null) {
            reports.status(item, ExecutionStatus.FAILED, null, refusal, null,
                    new ExecutionStatusUpdate.Error("BotRefused", refusal, null), null);
            return;
        }
        inFlight.put(item.executionId(), item);
        unannounced.put(item.executionId(), Instant.now());
        timers.schedule(() -> announce(item), ANNOUNCE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        ObjectNode types = JsonTrees.object();
        Module.Function function = functions.get(item.functionName());
        if (function != null && function.input() != null) {
            function.input().forEach(io -> types.put(io.name(), io.type()));
        }
        ObjectNode call = JsonTrees.object().put("type", "call").put("executionId", item.executionId())
                .put("attempt", item.attempt()).put("function", item.functionName());
        call.set("input", item.input());
        call.set("inputTypes", types);
        call.put("triggerId", item.triggerId());
        call.set("event", item.event());
        call.put("serviceId", config.spec().serviceId()).put("projectId", config.spec().projectId());
        worker.get().send(call);
    }

    /** What the worker says about a call: {@code status}, {@code log} or {@code result}. */
    void fromWorker(String type, JsonNode message) {
        String executionId = message.path("executionId").asText(null);
        switch (type) {
            case "status" -> {
                WorkItem item = executionId == null ? null : inFlight.get(executionId);
                if (item != null) {
                    synchronized (unannounced) {
                        unannounced.remove(executionId); // progress says it runs, and on which replica
                        reports.status(item, ExecutionStatus.IN_PROGRESS,
                                message.path("percentComplete").isNumber() ? message.get("percentComplete").asInt()
                                        : null, message.path("message").asText(null), null, null, null);
                    }
                }
            }
            case "log" -> reports.log(executionId, new ExecutionLogLines.Line(
                    Instant.parse(message.path("timestamp").asText(Instant.now().toString())),
                    message.path("level").asText("INFO"), message.path("message").asText("")));
            case "result" -> finished(executionId, message);
            default -> log.accept("unknown message from the worker: " + message);
        }
    }

    private void finished(String executionId, JsonNode result) {
        WorkItem item = inFlight.get(executionId);
        if (item == null) {
            return;
        }
        reports.flushLogs();
        // a status this runner does not know is sent as none, which execution-service ignores
        ExecutionStatus status = ExecutionStatus.of(result.path("status").asText("failed"));
        ExecutionStatusUpdate.Error error = null;
        if (result.hasNonNull("error")) {
            JsonNode e = result.get("error");
            error = new ExecutionStatusUpdate.Error(e.path("type").asText(null), e.path("message").asText(""),
                    e.path("traceback").asText(null));
        }
        JsonNode output = result.get("output");
        if (output != null && !output.isNull()) {
            int size = output.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (size > config.maxOutputBytes()) {
                // it could not be reported at all: the call fails, and says why
                status = ExecutionStatus.FAILED;
                error = new ExecutionStatusUpdate.Error("OutputTooLarge", "the function returned " + size
                        + " bytes of output; at most " + config.maxOutputBytes() + " are kept", null);
                output = null;
            }
        }
        synchronized (unannounced) {
            // a call that ended before it was announced tells when it started instead
            reports.status(item, status, null, error == null ? null : error.message(),
                    output, error, unannounced.remove(executionId));
        }
        inFlight.remove(executionId);
        slotFreed.release();
    }

    /** Reports a call in progress once it has run {@link #ANNOUNCE_AFTER}, unless it ended or reported progress first. */
    private void announce(WorkItem item) {
        synchronized (unannounced) {
            if (unannounced.remove(item.executionId()) != null) {
                reports.status(item, ExecutionStatus.IN_PROGRESS, null,
                        "running on " + config.replicaId(), null, null, null);
            }
        }
    }

    /** Asks the worker to stop a call of the attempt the control names, if it runs here; it has a grace period. */
    void terminate(RunnerControl control) throws IOException {
        WorkItem item = inFlight.get(control.executionId());
        if (control.type() == RunnerControl.Type.terminate && item != null && item.attempt() == control.attempt()) {
            worker.get().send(JsonTrees.object().put("type", "terminate").put("executionId", control.executionId()));
            timers.schedule(() -> forceTerminate(item), TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A call that ignored the cooperative stop: it ends terminated, and the replica starts afresh. */
    private void forceTerminate(WorkItem item) {
        if (inFlight.containsKey(item.executionId())) {
            reports.status(item, ExecutionStatus.TERMINATED, null,
                    "terminated by restarting the worker", null, null, unannounced.remove(item.executionId()));
            inFlight.remove(item.executionId());
            slotFreed.release();
            reports.flush();
            worker.get().kill();
            log.accept("a call ignored termination; restarting");
            System.exit(Replica.TERMINATE_STUCK);
        }
    }
}
