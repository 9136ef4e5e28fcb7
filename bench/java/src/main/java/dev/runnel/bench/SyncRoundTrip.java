package dev.runnel.bench;

import dev.runnel.contracts.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sync round trip of an empty function (POST /executions/{id}?wait=true through the gateway), p50
 * and p99, against a raw Kafka two-hop ping-pong (produce, consume, produce, consume) on the same
 * broker with the clients' settings of Runnel's services, in one run.
 *
 * <p>Both sides run {@code WARMUP} round trips before the {@code N} that are timed: a replica's runner
 * compiles its work path over its first thousand calls or so, and the services their request paths,
 * so that the timed calls measure the steady state, as the baseline's do.
 *
 * <pre>java -jar bench/java/target/runnel-bench.jar API TOKEN SERVICE_ID FUNCTION KAFKA [N [WARMUP]]</pre>
 */
public final class SyncRoundTrip {

    private SyncRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String token = args[1];
        String serviceId = args[2];
        String function = args[3];
        String kafka = args[4];
        int n = args.length > 5 ? Integer.parseInt(args[5]) : 300;
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : n / 10;

        List<Long> runnel = sync(api, token, serviceId, function, n, warmup);
        List<Long> raw = pingPong(kafka, n, warmup);
        report("runnel sync execute (empty function)", runnel);
        report("raw Kafka two-hop ping-pong", raw);
        System.out.printf("ratio p50 %.2f (target <= 2), p99 %.2f (target <= 3)%n",
                percentile(runnel, 50) / (double) percentile(raw, 50),
                percentile(runnel, 99) / (double) percentile(raw, 99));
    }

    static List<Long> sync(String api, String token, String serviceId, String function, int n, int warmup)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = Json.mapper().writeValueAsString(Map.of("functionName", function, "input", Map.of()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/executions/" + serviceId + "?wait=true&timeout=60"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < warmup + n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (response.statusCode() != 201 || !response.body().contains("\"success\"")) {
                throw new IllegalStateException("execution did not succeed: " + response.body());
            }
            if (i >= warmup) {
                times.add(took);
            }
        }
        return times;
    }

    static List<Long> pingPong(String kafka, int n, int warmup) {
        String ping = "bench.ping." + UUID.randomUUID();
        String pong = "bench.pong." + UUID.randomUUID();
        Properties producerProps = new Properties();
        producerProps.putAll(Map.of("bootstrap.servers", kafka, "acks", "all", "enable.idempotence", "true",
                "linger.ms", "0"));
        Properties consumerProps = new Properties();
        consumerProps.putAll(Map.of("bootstrap.servers", kafka, "auto.offset.reset", "earliest",
                "enable.auto.commit", "false"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer());
             KafkaConsumer<String, String> echoIn = consumer(consumerProps, "echo-" + ping, ping);
             KafkaConsumer<String, String> back = consumer(consumerProps, "back-" + pong, pong)) {
            java.util.concurrent.atomic.AtomicBoolean echoing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread echo = new Thread(() -> {
                while (echoing.get()) {
                    for (ConsumerRecord<String, String> r : echoIn.poll(Duration.ofMillis(50))) {
                        producer.send(new ProducerRecord<>(pong, r.key(), r.value()));
                    }
                }
            });
            // warm up the topics and both consumers before timing
            producer.send(new ProducerRecord<>(ping, "warm", "warm"));
            while (echoIn.poll(Duration.ofMillis(100)).isEmpty()) {
                producer.send(new ProducerRecord<>(ping, "warm", "warm"));
            }
            echo.start();
            while (back.poll(Duration.ofMillis(100)).isEmpty()) {
                producer.send(new ProducerRecord<>(ping, "warm", "warm"));
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < warmup + n; i++) {
                String key = "k" + i;
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(ping, key, "{}"));
                boolean found = false;
                while (!found) {
                    for (ConsumerRecord<String, String> r : back.poll(Duration.ofMillis(1))) {
                        found |= r.key().equals(key);
                    }
                }
                if (i >= warmup) {
                    times.add(System.nanoTime() - start);
                }
            }
            echoing.set(false);
            try {
                echo.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return times;
        }
    }

    private static KafkaConsumer<String, String> consumer(Properties props, String group, String topic) {
        Properties p = new Properties();
        p.putAll(props);
        p.put("group.id", group);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    static long percentile(List<Long> times, int p) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static void report(String what, List<Long> times) {
        System.out.printf("%-40s n=%d  p50 %6.2f ms  p99 %6.2f ms%n", what, times.size(),
                percentile(times, 50) / 1e6, percentile(times, 99) / 1e6);
    }
}
