package dev.runnel.bench;

import dev.runnel.contracts.KafkaLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmarks' Kafka clients log in as the platform does: {@code RUNNEL_KAFKA_USERNAME} and
 * {@code RUNNEL_KAFKA_PASSWORD}, or else {@code runnel} with the password {@code ./runnel up} keeps in
 * its state folder ({@code RUNNEL_HOME}, or {@code .runnel}).
 */
final class BenchKafka {

    private BenchKafka() {
    }

    static KafkaLogin login() {
        String username = System.getenv().getOrDefault(KafkaLogin.USERNAME_VARIABLE, "runnel");
        String password = System.getenv(KafkaLogin.PASSWORD_VARIABLE);
        if (password == null) {
            Path file = Path.of(System.getenv().getOrDefault("RUNNEL_HOME", ".runnel"), "kafka", "platform.password");
            try {
                password = Files.readString(file).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("no Kafka login: set " + KafkaLogin.PASSWORD_VARIABLE
                        + " or run from the folder of ./runnel up", e);
            }
        }
        return new KafkaLogin(username, password);
    }

    /** A client's settings: the broker, the login, and {@code more}. */
    static Map<String, Object> client(String bootstrap, Map<String, ?> more) {
        Map<String, Object> settings = new HashMap<>(login().settings());
        settings.put("bootstrap.servers", bootstrap);
        settings.putAll(more);
        return settings;
    }
}
