package dev.runnel.kit.kafka;

import dev.runnel.contracts.KafkaLogin;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one place where the services make their Kafka clients (the runner, which does not carry
 * service-kit, has its own): every client gets the broker address and the service's login
 * ({@link KafkaLogin}, from {@code runnel.kafka.username} and {@code runnel.kafka.password}), then
 * its own settings. Quarkus's own clients (the connector's channels, the health check) read the same
 * login through the {@code kafka.*} properties of service-kit's {@code microprofile-config.properties}.
 * Records are JSON strings, keys strings.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** A producer of JSON records; by default it waits for every in-sync replica and never duplicates on retry. */
    public static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> all = common(bootstrap);
        all.put("acks", "all");
        all.put("enable.idempotence", "true");
        all.put("linger.ms", "0");
        all.putAll(settings);
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    /**
     * A consumer of JSON records that commits only what its owner says it handled. It never creates the
     * topics it reads: their owners do (ADR 15), and a reader may not (a missing topic is waited for).
     */
    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> all = common(bootstrap);
        all.put("enable.auto.commit", "false");
        all.put("allow.auto.create.topics", "false");
        all.putAll(settings);
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }

    /** An admin client with short timeouts: a missing broker fails a call in seconds, not minutes. */
    public static Admin admin(String bootstrap) {
        Map<String, Object> all = common(bootstrap);
        all.put("request.timeout.ms", "5000");
        all.put("default.api.timeout.ms", "10000");
        return Admin.create(all);
    }

    /** The service's login to Kafka; a service without one does not start its clients. */
    public static KafkaLogin login() {
        Config config = ConfigProvider.getConfig();
        return new KafkaLogin(config.getOptionalValue("runnel.kafka.username", String.class).orElse(null),
                config.getOptionalValue("runnel.kafka.password", String.class).orElse(null));
    }

    /** What every client of the platform has. */
    private static Map<String, Object> common(String bootstrap) {
        Map<String, Object> settings = new HashMap<>(login().settings());
        settings.put("bootstrap.servers", bootstrap);
        return settings;
    }
}
