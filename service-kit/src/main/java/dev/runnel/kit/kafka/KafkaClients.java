package dev.runnel.kit.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place where the services make their Kafka clients (the runner, which does not carry
 * service-kit, has its own): every client gets the broker address and the settings every client of
 * the platform shares, then its own. Records are JSON strings, keys strings.
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

    /** A consumer of JSON records that commits only what its owner says it handled. */
    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> all = common(bootstrap);
        all.put("enable.auto.commit", "false");
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

    /** What every client of the platform has. */
    private static Map<String, Object> common(String bootstrap) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        return settings;
    }
}
