package dev.runnel.bench;

import dev.runnel.contracts.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * <p>It also times, alone and in the same run, the parts that any sync call of this architecture is
 * made of: an authenticated HTTP call through the gateway ({@code GET /users/me}), a call of an empty
 * function in the Python runtime from the JVM (the runner's worker protocol, given {@code RUNTIME_DIR}),
 * the two Kafka hops (the baseline itself), and, given {@code JDBC}, a durable commit of one inserted row
 * on the platform's PostgreSQL (a sync call makes two: the execution before it is dispatched, its end
 * before the answer). Their sum, with no service logic, is the floor the target is held against
 * (ADR 0011).
 *
 * <pre>java -jar bench/java/target/runnel-bench.jar API TOKEN SERVICE_ID FUNCTION KAFKA [N [WARMUP [RUNTIME_DIR [JDBC]]]]</pre>
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
        Path runtime = args.length > 7 ? Path.of(args[7]) : null;
        String jdbc = args.length > 8 ? args[8] : null;

        List<Long> runnel = sync(api, token, serviceId, function, n, warmup);
        List<Long> raw = pingPong(kafka, n, warmup);
        report("runnel sync execute (empty function)", runnel);
        report("raw Kafka two-hop ping-pong", raw);
        System.out.printf("ratio p50 %.2f (target <= 2), p99 %.2f (target <= 3)%n",
                percentile(runnel, 50) / (double) percentile(raw, 50),
                percentile(runnel, 99) / (double) percentile(raw, 99));
        if (runtime != null) {
            List<Long> http = httpCall(api + "/users/me", token, n, warmup);
            List<Long> python = pythonCall(runtime, n, warmup);
            report("parts: HTTP call through the gateway", http);
            report("parts: empty Python call from the JVM", python);
            List<List<Long>> parts = new ArrayList<>(List.of(http, python, raw));
            String what = "HTTP + Python + the two hops";
            if (jdbc != null) {
                List<Long> commit = commit(jdbc, n, warmup);
                report("parts: a durable commit of one row", commit);
                parts.add(commit);
                parts.add(commit);
                what += " + two commits";
            }
            long floor = parts.stream().mapToLong(p -> percentile(p, 50)).sum();
            System.out.printf("floor (%s, no service logic) p50 %.2f ms = %.2f x the baseline%n", what, floor / 1e6,
                    floor / (double) percentile(raw, 50));
            // the parts' times drawn at random and added: the sum's tail if the parts were independent
            java.util.Random random = new java.util.Random(42);
            List<Long> sums = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                sums.add(parts.stream().mapToLong(p -> p.get(random.nextInt(p.size()))).sum());
            }
            System.out.printf("floor p99 (the parts drawn at random and added) %.2f ms = %.2f x the baseline's p99%n",
                    percentile(sums, 99) / 1e6, percentile(sums, 99) / (double) percentile(raw, 99));
        }
    }

    /** An authenticated HTTP call that does nothing, through the same client: the HTTP part of a sync call. */
    static List<Long> httpCall(String url, String token, int n, int warmup) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .GET().build();
        return timed(n, warmup, i -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
        });
    }

    /** One timed step of a loop; {@code i} counts from 0, warm-up included. */
    private interface Step {
        void run(int i) throws Exception;
    }

    /** Runs {@code warmup + n} steps one after the other and answers the times of the last {@code n}, in ns. */
    static List<Long> timed(int n, int warmup, Step step) throws Exception {
        List<Long> times = new ArrayList<>(n);
        for (int i = 0; i < warmup + n; i++) {
            long start = System.nanoTime();
            step.run(i);
            if (i >= warmup) {
                times.add(System.nanoTime() - start);
            }
        }
        return times;
    }

    /**
     * Calls of an empty function in the Python runtime ({@code python3 -m runnel.worker}, the runner's
     * JSON-lines protocol), one at a time, from a line written to the result read: the Python part of a
     * sync call, without Kafka.
     */
    static List<Long> pythonCall(Path runtime, int n, int warmup) throws Exception {
        Path codebase = Files.createTempDirectory("runnel-bench-python");
        Files.writeString(codebase.resolve("main.py"), "import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                + "    def noop(self):\n        return None\n");
        ProcessBuilder builder = new ProcessBuilder("python3", "-u", "-m", "runnel.worker")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PYTHONPATH", runtime.toAbsolutePath().toString());
        Process python = builder.start();
        try (BufferedWriter in = new BufferedWriter(new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8));
             BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            in.write(Json.mapper().writeValueAsString(Map.of("type", "init", "codebase", codebase.toString(),
                    "entryPoint", "main.py", "className", "ServiceRunner", "concurrency", 4)) + "\n");
            in.flush();
            awaitLine(out, "\"ready\"");
            List<Long> times = timed(n, warmup, i -> {
                in.write("{\"type\":\"call\",\"executionId\":\"e" + i + "\",\"attempt\":1,\"function\":\"noop\","
                        + "\"input\":{},\"inputTypes\":{}}\n");
                in.flush();
                awaitLine(out, "\"e" + i + "\"");
            });
            in.write("{\"type\":\"shutdown\"}\n");
            in.flush();
            return times;
        } finally {
            if (!python.waitFor(5, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
    }

    /** One row inserted and committed, one at a time, on a logged table of its own (dropped after). */
    static List<Long> commit(String jdbc, int n, int warmup) throws Exception {
        String table = "bench_commit_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection db = BenchDb.connect(jdbc)) {
            db.createStatement().execute("CREATE TABLE " + table + " (id text PRIMARY KEY, doc jsonb)");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO " + table + " (id, doc) VALUES (?, '{}')")) {
                db.setAutoCommit(false);
                return timed(n, warmup, i -> {
                    insert.setString(1, "r" + i);
                    insert.executeUpdate();
                    db.commit();
                });
            } finally {
                db.setAutoCommit(true);
                db.createStatement().execute("DROP TABLE " + table);
            }
        }
    }

    private static void awaitLine(BufferedReader out, String containing) throws IOException {
        for (String line = out.readLine(); ; line = out.readLine()) {
            if (line == null) {
                throw new IllegalStateException("the Python worker exited");
            }
            if (line.contains("\"failed\"") || line.contains("init-failed")) {
                throw new IllegalStateException("the Python worker failed: " + line);
            }
            if (line.contains(containing)) {
                return;
            }
        }
    }

    static List<Long> sync(String api, String token, String serviceId, String function, int n, int warmup)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = Json.mapper().writeValueAsString(Map.of("functionName", function, "input", Map.of()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/executions/" + serviceId + "?wait=true&timeout=60"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return timed(n, warmup, i -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201 || !response.body().contains("\"success\"")) {
                throw new IllegalStateException("execution did not succeed: " + response.body());
            }
        });
    }

    static List<Long> pingPong(String kafka, int n, int warmup) throws Exception {
        String ping = "bench.ping." + UUID.randomUUID();
        String pong = "bench.pong." + UUID.randomUUID();
        Properties producerProps = new Properties();
        producerProps.putAll(BenchKafka.client(kafka, Map.of("acks", "all", "enable.idempotence", "true",
                "linger.ms", "0")));
        Properties consumerProps = new Properties();
        consumerProps.putAll(BenchKafka.client(kafka, Map.of("auto.offset.reset", "earliest",
                "enable.auto.commit", "false")));
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
            List<Long> times = timed(n, warmup, i -> {
                String key = "k" + i;
                producer.send(new ProducerRecord<>(ping, key, "{}"));
                boolean found = false;
                while (!found) {
                    for (ConsumerRecord<String, String> r : back.poll(Duration.ofMillis(1))) {
                        found |= r.key().equals(key);
                    }
                }
            });
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
