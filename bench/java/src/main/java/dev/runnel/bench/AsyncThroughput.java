package dev.runnel.bench;

import dev.runnel.contracts.ExecutionRequest;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Async throughput: executions of an empty function completed per second, created as fast as four
 * clients can, against a raw loop that consumes a message, runs the same kind of SQL an execution
 * costs (insert a row, then update it twice, each in its own transaction) and produces a reply.
 *
 * <pre>java -cp bench/java/target/runnel-bench.jar dev.runnel.bench.AsyncThroughput API TOKEN SERVICE_ID FUNCTION KAFKA JDBC [N]</pre>
 */
public final class AsyncThroughput {

    private AsyncThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String token = args[1];
        String serviceId = args[2];
        String function = args[3];
        String kafka = args[4];
        String jdbc = args[5];
        int n = args.length > 6 ? Integer.parseInt(args[6]) : 500;

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        double viaKafka = viaRequests(http, api, token, serviceId, function, kafka, n);
        double viaHttp = viaHttp(http, api, token, serviceId, function, n);
        double raw = raw(kafka, jdbc, n);
        System.out.printf("runnel, requested on execution-requests: %d executions completed at %.1f/s%n", n, viaKafka);
        System.out.printf("runnel, created by 4 HTTP clients through the gateway: %d executions completed at %.1f/s%n",
                n, viaHttp);
        System.out.printf("raw consume-SQL-produce loop: %d messages at %.1f/s%n", n, raw);
        System.out.printf("ratio (execution-requests) %.2f (target >= 0.5); ratio (HTTP) %.2f%n", viaKafka / raw,
                viaHttp / raw);
    }

    /** Executions requested the way trigger-service requests them: messages on execution-requests. */
    static double viaRequests(HttpClient http, String api, String token, String serviceId, String function,
                              String kafka, int n) throws Exception {
        HttpRequest service = HttpRequest.newBuilder(URI.create(api + "/services/" + serviceId))
                .header("Authorization", "Bearer " + token).GET().build();
        String projectId = Json.mapper().readTree(http.send(service, HttpResponse.BodyHandlers.ofString()).body())
                .get("projectId").asText();
        Properties producerProps = new Properties();
        producerProps.putAll(BenchKafka.client(kafka, Map.of("acks", "all", "enable.idempotence", "true",
                "linger.ms", "0")));
        int before = total(http, countSucceeded(api, token, serviceId));
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String eventId = UUID.randomUUID().toString();
                ExecutionRequest request = new ExecutionRequest(eventId, null, serviceId, projectId, function,
                        Json.mapper().createObjectNode(), null, "bench", null);
                ProducerRecord<String, String> record = new ProducerRecord<>(Topics.EXECUTION_REQUESTS, serviceId,
                        Json.mapper().writeValueAsString(request));
                record.headers().add(Topics.HEADER_EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        waitForSucceeded(http, countSucceeded(api, token, serviceId), before + n);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static HttpRequest countSucceeded(String api, String token, String serviceId) {
        return HttpRequest.newBuilder(URI.create(api + "/executions?serviceId=" + serviceId
                + "&status=success&pageSize=1")).header("Authorization", "Bearer " + token).GET().build();
    }

    private static void waitForSucceeded(HttpClient http, HttpRequest count, int total) throws Exception {
        while (total(http, count) < total) {
            Thread.sleep(50);
        }
    }

    /** Executions created by four HTTP clients through the gateway. */
    static double viaHttp(HttpClient http, String api, String token, String serviceId, String function, int n)
            throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("functionName", function, "input", Map.of()));
        HttpRequest create = HttpRequest.newBuilder(URI.create(api + "/executions/" + serviceId))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpRequest count = countSucceeded(api, token, serviceId);
        int before = total(http, count);
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int i = 0; i < n; i++) {
            clients.submit(() -> http.send(create, HttpResponse.BodyHandlers.discarding()));
        }
        clients.shutdown();
        clients.awaitTermination(10, TimeUnit.MINUTES);
        waitForSucceeded(http, count, before + n);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static int total(HttpClient http, HttpRequest count) throws Exception {
        String answer = http.send(count, HttpResponse.BodyHandlers.ofString()).body();
        return Json.mapper().readTree(answer).get("totalItemsCount").asInt();
    }

    static double raw(String kafka, String jdbc, int n) throws Exception {
        String in = "bench.in." + UUID.randomUUID();
        String out = "bench.out." + UUID.randomUUID();
        Properties producerProps = new Properties();
        producerProps.putAll(BenchKafka.client(kafka, Map.of("acks", "all", "enable.idempotence", "true",
                "linger.ms", "0")));
        try (Connection db = BenchDb.connect(jdbc);
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new StringSerializer());
             KafkaConsumer<String, String> loopIn = consumer(kafka, in);
             KafkaConsumer<String, String> results = consumer(kafka, out)) {
            // a logged table like Runnel's (a temporary one would skip the write-ahead log and its flush)
            String table = "public.bench_rows_" + UUID.randomUUID().toString().replace("-", "");
            db.createStatement().execute("CREATE TABLE " + table + " (id text PRIMARY KEY, status text, doc jsonb)");
            db.setAutoCommit(false);
            producer.send(new ProducerRecord<>(in, "warm", "{}")).get();
            while (loopIn.poll(Duration.ofMillis(100)).isEmpty()) {
                Thread.onSpinWait();
            }
            AtomicBoolean looping = new AtomicBoolean(true);
            Thread loop = new Thread(() -> {
                try (PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO " + table + " (id, status, doc) VALUES (?, 'created', CAST(? AS jsonb))");
                     PreparedStatement update = db.prepareStatement(
                             "UPDATE " + table + " SET status = ?, doc = CAST(? AS jsonb) WHERE id = ?")) {
                    while (looping.get()) {
                        for (ConsumerRecord<String, String> r : loopIn.poll(Duration.ofMillis(50))) {
                            String id = r.key();
                            insert.setString(1, id);
                            insert.setString(2, "{\"status\": [\"created\"]}");
                            insert.executeUpdate();
                            db.commit();
                            for (String status : List.of("in-progress", "success")) {
                                update.setString(1, status);
                                update.setString(2, "{\"status\": [\"created\", \"" + status + "\"]}");
                                update.setString(3, id);
                                update.executeUpdate();
                                db.commit();
                            }
                            producer.send(new ProducerRecord<>(out, id, "{}"));
                        }
                        loopIn.commitSync();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            loop.start();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(in, "m" + i + "-" + UUID.randomUUID(), "{}"));
            }
            int seen = 0;
            while (seen < n) {
                seen += results.poll(Duration.ofMillis(50)).count();
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            looping.set(false);
            loop.join(5000);
            db.setAutoCommit(true);
            db.createStatement().execute("DROP TABLE " + table);
            return rate;
        }
    }

    private static KafkaConsumer<String, String> consumer(String kafka, String topic) {
        Properties p = new Properties();
        p.putAll(BenchKafka.client(kafka, Map.of("group.id", "bench-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false")));
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
