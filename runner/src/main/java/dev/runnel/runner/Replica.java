package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionLogLines;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One replica of a service: fetches the codebase of its package revision, runs the Python worker,
 * takes at most {@code concurrency} work items at once from the service's work topic, and reports
 * status, output, errors, logs and heartbeats. Exit codes: 3 init failed, 4 the bot was refused,
 * 5 the worker died, 6 a call would not terminate (the operator starts a fresh replica).
 */
public final class Replica {

    static final int INIT_FAILED = 3;
    static final int BOT_REFUSED = 4;
    static final int WORKER_DIED = 5;
    static final int TERMINATE_STUCK = 6;
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(10);
    private static final Duration ANNOUNCE_AFTER = Duration.ofMillis(20);

    private final RunnerConfig config;
    private final PlatformClient platform;
    /** Made beside the start (see the constructor). */
    private final CompletableFuture<KafkaProducer<String, String>> producer;
    /** Made beside the start (see the constructor); it joins its group when the replica is ready. */
    private final CompletableFuture<KafkaConsumer<String, String>> workConsumer;
    /** The worker process, started before anything else (see {@link #main}). */
    private final Process python;
    /** The bot's first token, asked for as the process starts (see {@link #main}). */
    private final CompletableFuture<String> firstToken;
    private final Map<String, WorkItem> inFlight = new ConcurrentHashMap<>();
    /**
     * Calls not yet reported in progress, with when they started: a call reports {@code in-progress}
     * only once it has run {@link #ANNOUNCE_AFTER}, so a short one reports its whole life in one message
     * (its final report carries {@code startedAt}), which spares a Kafka message and a transaction.
     */
    private final Map<String, Instant> unannounced = new ConcurrentHashMap<>();
    private final Map<String, List<ExecutionLogLines.Line>> logs = new LinkedHashMap<>();
    /** The (execution, attempt) pairs taken lately, so a redelivered work item runs once; only the work loop uses it. */
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final CountDownLatch drained = new CountDownLatch(1);
    private final Semaphore slotFreed = new Semaphore(0);
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    private final Map<String, Module.Function> functions = new ConcurrentHashMap<>();
    private volatile JsonNode initError;
    private volatile String botRefusal;
    private volatile boolean stopping;
    private PythonWorker worker;

    /**
     * Makes what the replica needs once it is ready on one thread beside the start, in the order it is
     * needed: the work consumer (the group join is the longest wait of a replica taking its first call,
     * and it overlaps what follows), the producer, data binding. On two cores, these three on threads of
     * their own slowed the start to ready by a third, and creating a producer is mostly the platform's
     * JMX server, which the Kafka client insists on (about 70 ms of CPU).
     */
    Replica(RunnerConfig config, Process python, PlatformClient platform, CompletableFuture<String> firstToken) {
        this.config = config;
        this.python = python;
        this.platform = platform;
        this.firstToken = firstToken;
        ExecutorService preparing = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "replica-prepare");
            thread.setDaemon(true);
            return thread;
        });
        this.workConsumer = CompletableFuture.supplyAsync(this::newWorkConsumer, preparing);
        this.producer = CompletableFuture.supplyAsync(() -> newProducer(config.kafka()), preparing);
        preparing.execute(Replica::prepareDataBinding);
        preparing.shutdown();
        config.spec().module().functions().forEach(f -> functions.put(f.name(), f));
    }

    /**
     * Runs a start-up task on a thread of its own: the common pool has one thread on a two-core
     * machine, and the tasks of a start must not wait for each other.
     */
    private static void onItsOwnThread(Runnable task) {
        Thread thread = new Thread(task, "replica-start");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The path to ready is the Python worker's start with the user's {@code __init__}, and the bot's
     * first token: the worker is started first, from the environment alone (it loads a codebase already
     * on disk by itself), the token is asked for beside it, and this thread reads the spec without data
     * binding. What the replica needs only once it is ready is made in the constructor (see there).
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        RunnerConfig.writeInlineSpec(env);
        PlatformClient platform = new PlatformClient(RunnerConfig.required(env, "RUNNEL_API"),
                RunnerConfig.required(env, "RUNNEL_BOT_CREDENTIAL"));
        Process python = PythonWorker.spawn(env);
        CompletableFuture<String> firstToken = CompletableFuture.supplyAsync(() -> {
            try {
                return platform.token();
            } catch (PlatformClient.BotRefused | IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, Replica::onItsOwnThread);
        RunnerConfig config;
        try {
            config = RunnerConfig.fromEnvironment(env);
        } catch (RuntimeException e) {
            python.destroyForcibly();
            throw e;
        }
        System.exit(new Replica(config, python, platform, firstToken).run());
    }

    /** The producer of a replica's reports, heartbeats and logs. */
    static KafkaProducer<String, String> newProducer(String kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka, "acks", "all", "enable.idempotence", "true",
                "linger.ms", "0"), new StringSerializer(), new StringSerializer());
    }

    /** Builds the mapper and the (de)serializers of the messages a replica reads and sends. */
    static void prepareDataBinding() {
        Json.mapper().readerFor(WorkItem.class);
        Json.mapper().readerFor(RunnerControl.class);
        Json.mapper().writerFor(ReplicaHeartbeat.class);
        Json.mapper().writerFor(ExecutionStatusUpdate.class);
        Json.mapper().writerFor(ExecutionLogLines.class);
    }

    /** The first token, or what kept bot-service from giving it. */
    private String firstToken() throws PlatformClient.BotRefused, IOException, InterruptedException {
        try {
            return firstToken.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof PlatformClient.BotRefused refused) {
                throw refused;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
    }

    int run() {
        log("starting replica " + config.replicaId() + " of service " + config.spec().name());
        worker = PythonWorker.attach(python, this::fromWorker);
        try {
            Path codebase = config.workDir().resolve("codebase-" + config.spec().codebase().sha256());
            if (Files.isDirectory(codebase)) {
                // a codebase fetched before: the worker loaded it by itself (or does on this init), and
                // __init__ runs while bot-service confirms the bot
                worker.init(config, codebase);
                firstToken();
            } else {
                String token = firstToken();
                Path partial = config.workDir().resolve("partial-" + UUID.randomUUID());
                platform.fetchCodebase(config.spec().codebase().id(), token, partial);
                Files.move(partial, codebase);
                worker.init(config, codebase);
            }
        } catch (PlatformClient.BotRefused e) {
            log("the service's bot was refused: " + e.getMessage());
            worker.kill();
            return BOT_REFUSED;
        } catch (IOException | InterruptedException e) {
            log("cannot start: " + e);
            worker.kill();
            return WORKER_DIED;
        }
        timers.scheduleAtFixedRate(this::heartbeat, 0, 2, TimeUnit.SECONDS);
        try {
            initialized.await();
        } catch (InterruptedException e) {
            return WORKER_DIED;
        }
        if (initError != null) {
            System.err.println("RUNNEL-INIT-FAILED " + initError);
            mark("RUNNEL_TERMINATION_LOG", initError.toString());
            log("__init__ failed: " + initError.path("message").asText());
            heartbeat();
            shutdown();
            return INIT_FAILED;
        }
        log("ready");
        mark("RUNNEL_READY_FILE", "ready");
        timers.execute(this::heartbeat); // the producer may still be in the making: the work loop goes first
        timers.scheduleAtFixedRate(this::flushLogs, 200, 200, TimeUnit.MILLISECONDS);
        long check = config.botCheckInterval().toMillis();
        timers.scheduleAtFixedRate(this::checkBot, check, check, TimeUnit.MILLISECONDS);
        Thread control = new Thread(this::controlLoop, "runner-control");
        control.setDaemon(true);
        control.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM from the operator: take no more work, let calls in flight finish within drainTime
            stopping = true;
            try {
                drained.await(config.spec().drainTime() + 10L, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        int code = workLoop();
        drained.countDown();
        return code;
    }

    /**
     * Takes work while a slot is free: each poll brings at most {@code concurrency} items, those
     * beyond the free slots are left in the topic (a seek back) for this or another replica, and a
     * finished call wakes the loop at once. Offsets of taken items are committed without waiting.
     */
    private KafkaConsumer<String, String> newWorkConsumer() {
        return new KafkaConsumer<>(Map.of(
                "bootstrap.servers", config.kafka(), "group.id", Topics.workGroup(config.spec().serviceId()),
                "enable.auto.commit", "false", "auto.offset.reset", "earliest",
                "max.poll.records", String.valueOf(config.spec().runtime().concurrency()), "metadata.max.age.ms", "5000",
                // a replica that dies gives its partitions to the others within seconds
                "session.timeout.ms", "8000", "heartbeat.interval.ms", "2000"),
                new StringDeserializer(), new StringDeserializer());
    }

    private int workLoop() {
        int concurrency = config.spec().runtime().concurrency();
        try (KafkaConsumer<String, String> consumer = workConsumer.join()) {
            consumer.subscribe(List.of(Topics.work(config.spec().serviceId())));
            while (!stopping) {
                if (!worker.isAlive()) {
                    return WORKER_DIED;
                }
                if (inFlight.size() >= concurrency) {
                    consumer.pause(consumer.assignment());
                    slotFreed.tryAcquire(100, TimeUnit.MILLISECONDS);
                    slotFreed.drainPermits();
                    consumer.poll(Duration.ZERO); // paused: returns nothing, keeps the group membership current
                    continue;
                }
                consumer.resume(consumer.paused());
                Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
                Set<TopicPartition> leftBehind = new HashSet<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (leftBehind.contains(partition)) {
                        continue;
                    }
                    if (inFlight.size() >= concurrency) {
                        consumer.seek(partition, record.offset());
                        leftBehind.add(partition);
                        continue;
                    }
                    take(Json.mapper().readValue(record.value(), WorkItem.class));
                    taken.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
                if (!taken.isEmpty()) {
                    consumer.commitAsync(taken, null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log("work loop failed: " + e);
            return WORKER_DIED;
        }
        long deadline = System.currentTimeMillis() + config.spec().drainTime() * 1000L;
        while (!inFlight.isEmpty() && System.currentTimeMillis() < deadline && worker.isAlive()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                break;
            }
        }
        log("stopped (" + inFlight.size() + " call(s) unfinished)");
        shutdown();
        return 0;
    }

    private void take(WorkItem item) throws IOException {
        String key = item.executionId() + "#" + item.attempt();
        if (!seen.add(key)) {
            return;
        }
        if (item.deadline() != null && item.deadline().isBefore(Instant.now())) {
            return;
        }
        if (botRefusal != null) {
            report(item.executionId(), item.attempt(), "failed", null, botRefusal, null,
                    new ExecutionStatusUpdate.Error("BotRefused", botRefusal, null));
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
        worker.send(call);
    }

    /** Messages from the worker, in order. */
    private void fromWorker(JsonNode message) {
        String type = message.path("type").asText();
        String executionId = message.path("executionId").asText(null);
        switch (type) {
            case "ready" -> initialized.countDown();
            case "init-failed" -> {
                initError = message.path("error");
                initialized.countDown();
            }
            case "status" -> {
                WorkItem item = executionId == null ? null : inFlight.get(executionId);
                if (item != null) {
                    synchronized (unannounced) {
                        unannounced.remove(executionId); // progress says it runs, and on which replica
                        report(executionId, item.attempt(), "in-progress", message.path("percentComplete").isNumber()
                                ? message.get("percentComplete").asInt() : null, message.path("message").asText(null),
                                null, null);
                    }
                }
            }
            case "log" -> {
                synchronized (logs) {
                    logs.computeIfAbsent(executionId, id -> new ArrayList<>()).add(new ExecutionLogLines.Line(
                            Instant.parse(message.path("timestamp").asText(Instant.now().toString())),
                            message.path("level").asText("INFO"), message.path("message").asText("")));
                }
            }
            case "result" -> finished(executionId, message);
            case "exited" -> {
                initialized.countDown();
                if (!stopping) {
                    log("the Python worker exited");
                }
            }
            default -> log("unknown message from the worker: " + message);
        }
    }

    private void finished(String executionId, JsonNode result) {
        WorkItem item = inFlight.get(executionId);
        if (item == null) {
            return;
        }
        flushLogs();
        String status = result.path("status").asText("failed");
        ExecutionStatusUpdate.Error error = null;
        if (result.hasNonNull("error")) {
            JsonNode e = result.get("error");
            error = new ExecutionStatusUpdate.Error(e.path("type").asText(null), e.path("message").asText(""),
                    e.path("traceback").asText(null));
        }
        synchronized (unannounced) {
            // a call that ended before it was announced tells when it started instead
            report(executionId, item.attempt(), status, null, error == null ? null : error.message(),
                    result.get("output"), error, unannounced.remove(executionId));
        }
        inFlight.remove(executionId);
        slotFreed.release();
    }

    /**
     * Reads {@code runner-control} from its end, every partition, without a consumer group: a group per
     * replica cost a join at every start and left a group with its offsets behind every replica.
     */
    private void controlLoop() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", config.kafka(), "auto.offset.reset", "latest", "enable.auto.commit", "false"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of();
            while (!stopping && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(Topics.RUNNER_CONTROL).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    Thread.sleep(1000); // the topic is not there yet
                }
            }
            consumer.assign(partitions);
            while (!stopping) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    RunnerControl control = Json.mapper().readValue(record.value(), RunnerControl.class);
                    WorkItem item = inFlight.get(control.executionId());
                    if (control.type() == RunnerControl.Type.terminate && item != null
                            && item.attempt() == control.attempt()) {
                        worker.send(JsonTrees.object().put("type", "terminate").put("executionId",
                                control.executionId()));
                        timers.schedule(() -> forceTerminate(item), TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }
        } catch (IOException e) {
            log("control loop failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A call that ignored the cooperative stop: it ends terminated, and the replica starts afresh. */
    private void forceTerminate(WorkItem item) {
        if (inFlight.containsKey(item.executionId())) {
            report(item.executionId(), item.attempt(), "terminated", null, "terminated by restarting the worker", null,
                    null, unannounced.remove(item.executionId()));
            inFlight.remove(item.executionId());
            slotFreed.release();
            producer.join().flush();
            worker.kill();
            log("a call ignored termination; restarting");
            System.exit(TERMINATE_STUCK);
        }
    }

    private void checkBot() {
        try {
            platform.token();
            botRefusal = null;
        } catch (PlatformClient.BotRefused e) {
            botRefusal = e.getMessage();
            log("the service's bot was refused: " + botRefusal);
        } catch (IOException | InterruptedException e) {
            log("cannot reach bot-service: " + e.getMessage());
        }
    }

    private void heartbeat() {
        List<ReplicaHeartbeat.Running> running = inFlight.values().stream()
                .map(w -> new ReplicaHeartbeat.Running(w.executionId(), w.attempt())).toList();
        send(Topics.REPLICA_HEARTBEATS, config.spec().serviceId(), new ReplicaHeartbeat(UUID.randomUUID().toString(),
                config.spec().serviceId(), config.replicaId(), initialized.getCount() == 0 && initError == null,
                running, config.spec().runtime().concurrency(), Instant.now()));
    }

    private void flushLogs() {
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

    private void report(String executionId, int attempt, String status, Integer percent, String message,
                        JsonNode output, ExecutionStatusUpdate.Error error) {
        report(executionId, attempt, status, percent, message, output, error, null);
    }

    private void report(String executionId, int attempt, String status, Integer percent, String message,
                        JsonNode output, ExecutionStatusUpdate.Error error, Instant startedAt) {
        send(Topics.EXECUTION_STATUS, executionId, new ExecutionStatusUpdate(UUID.randomUUID().toString(), executionId,
                attempt, config.replicaId(), status, percent, message, output, error, Instant.now(), startedAt));
    }

    /** Reports a call in progress once it has run {@link #ANNOUNCE_AFTER}, unless it ended or reported progress first. */
    private void announce(WorkItem item) {
        synchronized (unannounced) {
            if (unannounced.remove(item.executionId()) != null) {
                report(item.executionId(), item.attempt(), "in-progress", null, "running on " + config.replicaId(), null,
                        null);
            }
        }
    }

    private void send(String topic, String key, Object value) {
        try {
            String eventId = UUID.randomUUID().toString();
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, Json.mapper().writeValueAsString(value));
            record.headers().add(Topics.HEADER_EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            producer.join().send(record);
        } catch (IOException e) {
            log("cannot serialize a message for " + topic + ": " + e);
        }
    }

    /**
     * Writes {@code text} to the file the environment variable names, if it does: a Kubernetes
     * readiness probe looks for the ready file, and the kubelet reads the termination log of a pod
     * whose {@code __init__} failed.
     */
    private static void mark(String variable, String text) {
        String file = System.getenv(variable);
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Path path = Path.of(file);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, text);
        } catch (IOException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void shutdown() {
        stopping = true;
        timers.shutdownNow();
        if (worker != null) {
            worker.close();
        }
        producer.join().close(Duration.ofSeconds(5));
    }

    private void log(String message) {
        System.err.println(Instant.now() + " [replica " + config.replicaId() + "] " + message);
    }
}
