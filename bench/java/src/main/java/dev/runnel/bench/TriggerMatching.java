package dev.runnel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ExecutionMode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.contracts.TriggerType;
import dev.runnel.trigger.event.ResourceEvent;
import dev.runnel.trigger.trigger.TriggerDoc;
import dev.runnel.trigger.trigger.TriggerTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Matching throughput of trigger-service's core (parse the CloudEvent, find the candidates of its
 * project, resource and action, evaluate their compiled DQL filters) with 1, 1,000 and 100,000
 * triggers in the table, 10 of them candidates for the events (1 when there is 1), against parsing
 * the same events with Jackson alone, in one run.
 *
 * <pre>java -cp bench/java/target/runnel-bench.jar dev.runnel.bench.TriggerMatching [events]</pre>
 */
public final class TriggerMatching {

    private static final String[] RESOURCES = {"Item", "Dataset", "Annotation", "Model"};
    private static volatile long sink;

    private TriggerMatching() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("e2e")) {
            endToEnd(args[1], args[2], args[3], Integer.parseInt(args[4]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        List<String> events = events(n);
        double parseOnly = rate(() -> parseOnly(events), n);
        System.out.printf("Jackson parse only:                %,10.0f events/s%n", parseOnly);
        for (int triggers : new int[] {1, 1_000, 100_000}) {
            TriggerTable table = table(triggers);
            double matching = rate(() -> match(table, events), n);
            System.out.printf("matching, %,7d triggers:          %,10.0f events/s   ratio %.2f%s%n", triggers, matching,
                    matching / parseOnly, triggers == 100_000 ? " (target >= 0.5)" : "");
        }
    }

    /**
     * End to end through Kafka on a running platform: {@code n} events that match one Always trigger
     * of the service published on resource-events, until {@code n} execution requests for the service
     * were read from execution-requests.
     */
    static void endToEnd(String kafka, String projectId, String serviceId, int n) throws Exception {
        java.util.Properties consumerProps = new java.util.Properties();
        consumerProps.putAll(BenchKafka.client(kafka, Map.of("group.id", "bench-" + UUID.randomUUID(),
                "auto.offset.reset", "latest", "enable.auto.commit", "false")));
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> requests =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(consumerProps,
                             new org.apache.kafka.common.serialization.StringDeserializer(),
                             new org.apache.kafka.common.serialization.StringDeserializer());
             org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(
                             BenchKafka.client(kafka, Map.of("acks", "all", "linger.ms", "5")),
                             new org.apache.kafka.common.serialization.StringSerializer(),
                             new org.apache.kafka.common.serialization.StringSerializer())) {
            requests.subscribe(List.of(Topics.EXECUTION_REQUESTS));
            while (requests.assignment().isEmpty()) {
                requests.poll(java.time.Duration.ofMillis(100));
            }
            String run = UUID.randomUUID().toString().substring(0, 8);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ObjectNode event = Json.mapper().createObjectNode().put("specversion", "1.0")
                        .put("id", run + "-" + i).put("source", "/bench").put("type", "Item.Updated")
                        .put("subject", "item-" + i).put("projectid", projectId).put("actorid", "bench");
                event.putObject("data").put("id", "item-" + i).put("dir", "/input").put("size", i);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESOURCE_EVENTS,
                        "item-" + i, event.toString()));
            }
            producer.flush();
            int seen = 0;
            while (seen < n) {
                for (var record : requests.poll(java.time.Duration.ofMillis(200))) {
                    if (serviceId.equals(record.key()) && record.value().contains(run + "-")) {
                        seen++;
                    }
                }
                if (System.nanoTime() - start > 300e9) {
                    throw new IllegalStateException("only " + seen + " of " + n + " requests after 5 minutes");
                }
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            System.out.printf("end to end, resource-events to execution-requests: %d events at %,.0f events/s%n", n, rate);
        }
    }

    /** Best of 5 rounds after 2 warm-up rounds, in events per second. */
    private static double rate(Runnable round, int n) {
        double best = 0;
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            round.run();
            double rate = n / ((System.nanoTime() - start) / 1e9);
            if (i >= 2) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }

    private static void parseOnly(List<String> events) {
        long count = 0;
        for (String event : events) {
            try {
                count += Json.mapper().readTree(event).size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        sink = count;
    }

    private static void match(TriggerTable table, List<String> events) {
        long matched = 0;
        for (String event : events) {
            ResourceEvent parsed;
            try {
                parsed = ResourceEvent.of(new ConsumerRecord<>(Topics.RESOURCE_EVENTS, 0, 0, "k", event));
            } catch (ResourceEvent.Malformed e) {
                throw new IllegalStateException(e);
            }
            JsonNode resource = parsed.data();
            for (TriggerTable.Compiled candidate : table.candidates(parsed.projectId(), parsed.resource(),
                    parsed.action())) {
                if (candidate.filter().test(resource)) {
                    matched++;
                }
            }
        }
        sink = matched;
    }

    private static List<String> events(int n) {
        List<String> events = new ArrayList<>(n);
        String[] dirs = {"/input", "/train", "/input/new", "/archive"};
        String[] mimes = {"video/mp4", "image/png", "image/jpeg", "video/webm"};
        for (int i = 0; i < n; i++) {
            ObjectNode data = Json.mapper().createObjectNode().put("id", "item-" + i).put("name", "file-" + i + ".jpg")
                    .put("dir", dirs[i % dirs.length]).put("annotated", i % 3 == 0).put("size", i % 1000)
                    .put("createdAt", "2026-11-25T10:" + String.format("%02d", i % 60) + ":00Z");
            data.putObject("metadata").putObject("system").put("mimetype", mimes[i % mimes.length]);
            data.putArray("labels").add(i % 2 == 0 ? "DOG" : "CAT").add("animal");
            ObjectNode event = Json.mapper().createObjectNode().put("specversion", "1.0")
                    .put("id", UUID.randomUUID().toString()).put("source", "/bench").put("type", "Item.Updated")
                    .put("subject", "item-" + i).put("projectid", "hot-project").put("actorid", "someone").put("hop", 0);
            event.set("data", data);
            events.add(event.toString());
        }
        return events;
    }

    private static TriggerTable table(int triggers) {
        List<Map<String, Object>> filters = List.of(
                Map.of("dir", "/input"),
                Map.of("annotated", true, "metadata.system.mimetype", "video/*"),
                Map.of("labels", "DOG"),
                Map.of("$or", List.of(Map.of("dir", "/input/**"), Map.of("size", Map.of("$gt", 900)))),
                Map.of("name", Map.of("$match", "^file-1")),
                Map.of("createdAt", Map.of("$gte", "2026-11-25T10:30:00Z")),
                Map.of("$not", Map.of("dir", "/archive")),
                Map.of("size", Map.of("$in", List.of(1, 2, 3, 500))),
                Map.of("metadata.system.mimetype", Map.of("$ne", "image/png")),
                Map.of("labels", Map.of("$nin", List.of("CAR", "BUS"))));
        TriggerTable table = new TriggerTable();
        int candidates = Math.min(10, triggers);
        for (int i = 0; i < triggers; i++) {
            boolean hot = i < candidates;
            String project = hot ? "hot-project" : "project-" + (i % 5000);
            String resource = hot ? "Item" : RESOURCES[i % RESOURCES.length];
            String action = hot ? "Updated" : (i % 2 == 0 ? "Created" : "Updated");
            JsonNode filter = Json.mapper().valueToTree(filters.get(i % filters.size()));
            table.put(new TriggerDoc("t-" + i, "t-" + i, project, "svc-" + i, TriggerType.Event, true, "bench",
                    Instant.now(), Instant.now(), new TriggerDoc.Spec(filter, resource, List.of(action), ExecutionMode.Always, null,
                    null, null, null, null, null, null, new TriggerDoc.Operation("function", "svc-" + i, "run")), null));
        }
        return table;
    }
}
