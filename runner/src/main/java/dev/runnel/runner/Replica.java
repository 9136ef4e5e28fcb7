package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ExecutionLogLines;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.WorkItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

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

    private final RunnerConfig config;
    private final PlatformClient platform;
    /** Made beside the start (see the constructor); it joins its group when the replica is ready. */
    private final CompletableFuture<KafkaConsumer<String, String>> workConsumer;
    /** The worker process, started before anything else (see {@link #main}). */
    private final Process python;
    /** The bot's first token, asked for as the process starts (see {@link #main}). */
    private final CompletableFuture<String> firstToken;
    private final Reports reports;
    private final Calls calls;
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final CountDownLatch drained = new CountDownLatch(1);
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    private volatile JsonNode initError;
    private volatile boolean stopping;
    private volatile PythonWorker worker;

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
        this.workConsumer = CompletableFuture.supplyAsync(() -> WorkLoop.newConsumer(config), preparing);
        CompletableFuture<KafkaProducer<String, String>> producer =
                CompletableFuture.supplyAsync(() -> newProducer(config), preparing);
        preparing.execute(Replica::prepareDataBinding);
        preparing.shutdown();
        this.reports = new Reports(config, producer, this::log);
        this.calls = new Calls(config, reports, timers, () -> worker, this::log);
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
    static KafkaProducer<String, String> newProducer(RunnerConfig config) {
        return KafkaClients.producer(config);
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
        timers.scheduleAtFixedRate(reports::flushLogs, 200, 200, TimeUnit.MILLISECONDS);
        long check = config.botCheckInterval().toMillis();
        timers.scheduleAtFixedRate(this::checkBot, check, check, TimeUnit.MILLISECONDS);
        Thread control = new Thread(new ControlLoop(config, calls, () -> stopping, this::log), "runner-control");
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
        int code = work();
        drained.countDown();
        return code;
    }

    /** Runs the work loop until told to stop, then lets the calls in flight finish within drainTime. */
    private int work() {
        KafkaConsumer<String, String> consumer = workConsumer.join();
        try {
            new WorkLoop(config, calls).run(consumer, () -> stopping, () -> worker.isAlive());
        } catch (WorkLoop.WorkerDied e) {
            return WORKER_DIED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log("work loop failed: " + e);
            return WORKER_DIED;
        } finally {
            // a static member stays in its group when it closes, unless told: its partitions would wait out its session
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        long deadline = System.currentTimeMillis() + config.spec().drainTime() * 1000L;
        while (calls.inFlight() > 0 && System.currentTimeMillis() < deadline && worker.isAlive()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                break;
            }
        }
        log("stopped (" + calls.inFlight() + " call(s) unfinished)");
        shutdown();
        return 0;
    }

    /** Messages from the worker, in order: its own start and end here, those about calls to {@link Calls}. */
    private void fromWorker(JsonNode message) {
        switch (message.path("type").asText()) {
            case "ready" -> initialized.countDown();
            case "init-failed" -> {
                initError = message.path("error");
                initialized.countDown();
            }
            case "exited" -> {
                initialized.countDown();
                if (!stopping) {
                    log("the Python worker exited");
                }
            }
            default -> calls.fromWorker(message.path("type").asText(), message);
        }
    }

    private void checkBot() {
        try {
            platform.token();
            calls.botRefused(null);
        } catch (PlatformClient.BotRefused e) {
            calls.botRefused(e.getMessage());
            log("the service's bot was refused: " + e.getMessage());
        } catch (IOException | InterruptedException e) {
            log("cannot reach bot-service: " + e.getMessage());
        }
    }

    private void heartbeat() {
        reports.heartbeat(initialized.getCount() == 0 && initError == null, calls.running());
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
        reports.close();
    }

    private void log(String message) {
        System.err.println(Instant.now() + " [replica " + config.replicaId() + "] " + message);
    }
}
