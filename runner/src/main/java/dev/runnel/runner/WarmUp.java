package dev.runnel.runner;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Goes through a replica's start without running anything (the spec, the Python worker's start and
 * its protocol, the Kafka clients, a token, data binding of the messages) and exits. The operator runs
 * it once per runner jar under {@code -XX:ArchiveClassesAtExit}, so that replicas start from an archive
 * of the classes they load (class-data sharing) instead of reading and verifying them from the jar
 * every time.
 *
 * <p>Takes the same environment as {@link Replica}; without {@code RUNNEL_SPEC_FILE} it goes through
 * the start of a sample service with nothing to reach (how the runner image makes its archive at build
 * time).
 */
public final class WarmUp {

    private WarmUp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        if (env.get("RUNNEL_SPEC_FILE") == null) {
            env = sample();
        }
        RunnerConfig config = RunnerConfig.fromEnvironment(env);
        startAWorker(env);
        try (KafkaProducer<String, String> producer = Replica.newProducer(config);
             KafkaConsumer<String, String> consumer = WorkLoop.newConsumer(config)) {
            Replica.prepareDataBinding();
            // what a replica makes before it is ready, made and left unused (nothing here may reach Kafka)
            Reports reports = new Reports(config, CompletableFuture.completedFuture(producer), message -> { });
            Calls calls = new Calls(config, reports, null, () -> null, message -> { });
            new ControlLoop(config, calls, () -> true, message -> { });
            Json.mapper().writeValueAsString(new ReplicaHeartbeat("warm-up", config.spec().serviceId(),
                    config.replicaId(), false, List.of(), 1, Instant.now()));
            try {
                new PlatformClient(config.api(), config.botCredential()).token();
            } catch (PlatformClient.BotRefused | IOException e) {
                // the classes are loaded either way
            }
            producer.close(Duration.ZERO);
        }
    }

    /**
     * Starts a worker without a spec to load, so that it runs nothing, and ends it: the process, the
     * worker's lines and their JSON are part of every start. Nothing to do where there is no Python.
     */
    private static void startAWorker(Map<String, String> env) throws InterruptedException {
        Map<String, String> nothingToLoad = new HashMap<>(env);
        nothingToLoad.remove("RUNNEL_SPEC_FILE");
        nothingToLoad.remove("RUNNEL_WORK_DIR");
        try {
            CountDownLatch exited = new CountDownLatch(1);
            PythonWorker worker = PythonWorker.attach(PythonWorker.spawn(nothingToLoad), message -> {
                if ("exited".equals(message.path("type").asText())) {
                    exited.countDown();
                }
            });
            worker.close(); // its first line is not an init: it says so and exits
            exited.await(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no Python here: the archive goes without those classes
        }
    }

    /** The environment of a sample service's replica, whose Kafka and API nobody listens at. */
    static Map<String, String> sample() throws IOException {
        ServiceSpec spec = new ServiceSpec("warm-up", "warm-up", "warm-up", "warm-up", 1, true, "warm-up", "warm-up", 1,
                CodebaseRef.blob("0".repeat(64), 0), new Module("default_module", "ServiceRunner", "main.py", List.of(),
                List.of(new Module.Function("run", null, List.of(new Module.FunctionIo("item", "Item", null, null)),
                        List.of()))), JsonNodeFactory.instance.objectNode(),
                new Runtime(false, 1, 10, null, "regular-s", null), 3, 3600, OnReset.FAILED, 600, "bot@warm-up",
                Instant.now(), null);
        Path file = Files.createTempFile("runnel-warm-up", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, Json.mapper().writeValueAsString(spec));
        String nowhere = "127.0.0.1:9"; // the discard port: connections are refused at once
        return Map.of("RUNNEL_SPEC_FILE", file.toString(), "RUNNEL_KAFKA", nowhere,
                "RUNNEL_API", "http://" + nowhere + "/api/v1", "RUNNEL_BOT_CREDENTIAL", "warm-up",
                "RUNNEL_KAFKA_USERNAME", "warm-up", "RUNNEL_KAFKA_PASSWORD", "warm-up",
                // the worker started without a spec to load runs nothing; without the runtime it only fails
                "RUNNEL_RUNTIME_DIR", System.getenv().getOrDefault("RUNNEL_RUNTIME_DIR",
                        System.getProperty("java.io.tmpdir")), "RUNNEL_REPLICA_ID", "warm-up");
    }
}
