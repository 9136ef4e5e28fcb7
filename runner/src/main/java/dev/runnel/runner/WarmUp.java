package dev.runnel.runner;

import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Goes through a replica's start without running anything (the spec, the Kafka clients, a token,
 * the JSON of a report) and exits. The operator runs it once per runner jar under
 * {@code -XX:ArchiveClassesAtExit}, so that replicas start from an archive of the classes they load
 * (class-data sharing) instead of reading and verifying them from the jar every time.
 *
 * <p>Takes the same environment as {@link Replica}.
 */
public final class WarmUp {

    private WarmUp() {
    }

    public static void main(String[] args) throws Exception {
        RunnerConfig config = RunnerConfig.fromEnvironment(System.getenv());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", config.kafka(),
                "acks", "all", "enable.idempotence", "true", "linger.ms", "0"), new StringSerializer(),
                new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", config.kafka(),
                     "group.id", "warm-up", "enable.auto.commit", "false"), new StringDeserializer(),
                     new StringDeserializer())) {
            Json.mapper().writeValueAsString(new ReplicaHeartbeat("warm-up", config.spec().serviceId(),
                    config.replicaId(), false, List.of(), 1, Instant.now()));
            try {
                new PlatformClient(config.api(), config.botCredential()).token();
            } catch (PlatformClient.BotRefused | java.io.IOException e) {
                // the classes are loaded either way
            }
            producer.close(Duration.ZERO);
        }
    }
}
