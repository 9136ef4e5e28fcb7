package dev.runnel.runner;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place where a replica makes its Kafka clients (the services' is service-kit's, which the
 * runner does not carry: it stays a small jar that starts fast). Records are JSON strings.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /** The producer of a replica's reports, heartbeats and logs. */
    static KafkaProducer<String, String> producer(RunnerConfig config) {
        Map<String, Object> all = common(config);
        all.put("acks", "all");
        all.put("enable.idempotence", "true");
        all.put("linger.ms", "0");
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    /** A consumer that commits only what the replica says it took; it creates no topic (a replica may not). */
    static KafkaConsumer<String, String> consumer(RunnerConfig config, Map<String, Object> settings) {
        Map<String, Object> all = common(config);
        all.put("enable.auto.commit", "false");
        all.put("allow.auto.create.topics", "false");
        all.putAll(settings);
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }

    /** The broker's address and the replica's own login (the one its service's ACLs grant to). */
    private static Map<String, Object> common(RunnerConfig config) {
        Map<String, Object> settings = new HashMap<>(config.kafkaLogin().settings());
        settings.put("bootstrap.servers", config.kafka());
        return settings;
    }
}
