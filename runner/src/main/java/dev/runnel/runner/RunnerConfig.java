package dev.runnel.runner;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.KafkaLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a replica is told by whoever starts it (the operator), from its environment:
 * {@code RUNNEL_SPEC_FILE} (the service spec JSON), {@code RUNNEL_KAFKA} with the replica's login
 * ({@code RUNNEL_KAFKA_USERNAME}, {@code RUNNEL_KAFKA_PASSWORD}), {@code RUNNEL_API} (the
 * platform's /api/v1 base), {@code RUNNEL_BOT_CREDENTIAL} (the bot's API key), {@code RUNNEL_WORK_DIR},
 * {@code RUNNEL_RUNTIME_DIR} (where the Python {@code runnel} package is), {@code RUNNEL_REPLICA_ID} and
 * {@code RUNNEL_BOT_CHECK_SECONDS} (how often the bot's standing is checked).
 */
record RunnerConfig(ServiceSpec spec, String kafka, KafkaLogin kafkaLogin, String api, String botCredential, Path workDir, Path runtimeDir,
                    String replicaId, String python, Duration botCheckInterval, int maxOutputBytes) {

    /**
     * A pod gets its spec inline ({@code RUNNEL_SPEC_JSON}, from its template, so that each version's
     * pods carry their own): it is written to {@code RUNNEL_SPEC_FILE}, where the worker and the
     * runner read it.
     */
    /**
     * The largest output a call may return, as JSON: a status report must fit in one Kafka record (1 MiB
     * by default) with its status log entry. A bigger output fails its call, saying so.
     */
    static final int MAX_OUTPUT_BYTES = 512 * 1024;

    static void writeInlineSpec(Map<String, String> env) throws IOException {
        String inline = env.get("RUNNEL_SPEC_JSON");
        if (inline != null && !inline.isBlank()) {
            Path file = Path.of(required(env, "RUNNEL_SPEC_FILE"));
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, inline);
        }
    }

    static RunnerConfig fromEnvironment(Map<String, String> env) {
        String specFile = required(env, "RUNNEL_SPEC_FILE");
        ServiceSpec spec;
        try {
            spec = SpecReader.read(Files.readString(Path.of(specFile)));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + specFile, e);
        }
        // not a UUID: its SecureRandom loads the security providers, milliseconds of a replica's start
        String replica = env.getOrDefault("RUNNEL_REPLICA_ID", spec.serviceId() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000));
        return new RunnerConfig(spec, required(env, "RUNNEL_KAFKA"), KafkaLogin.fromEnvironment(env),
                required(env, "RUNNEL_API"),
                required(env, "RUNNEL_BOT_CREDENTIAL"), Path.of(env.getOrDefault("RUNNEL_WORK_DIR",
                System.getProperty("java.io.tmpdir") + "/runnel-" + replica)), Path.of(required(env, "RUNNEL_RUNTIME_DIR")),
                replica, env.getOrDefault("RUNNEL_PYTHON", "python3"),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("RUNNEL_BOT_CHECK_SECONDS", "30"))),
                Integer.parseInt(env.getOrDefault("RUNNEL_MAX_OUTPUT_BYTES", String.valueOf(MAX_OUTPUT_BYTES))));
    }

    static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return value;
    }
}
