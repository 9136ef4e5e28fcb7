package dev.runnel.bench;

import dev.runnel.contracts.Topics;
import dev.runnel.operator.autoscale.WorkBacklog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the autoscaler reads from Kafka every reconcile round for N autoscaled services (default 300):
 * their backlogs in one batch (four requests, as the operator does) against one service at a time
 * (four requests each, as it did), on the same topics in one run; both must agree.
 *
 * <p>Run: {@code java -cp bench/java/target/runnel-bench.jar dev.runnel.bench.AutoscalerBacklog [bootstrap] [services]}.
 */
public final class AutoscalerBacklog {

    private AutoscalerBacklog() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "localhost:9092";
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            ids.add(String.format("bench%s%06d", run, i));
        }
        try (Admin admin = Admin.create(BenchKafka.client(bootstrap, Map.of()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(
                     BenchKafka.client(bootstrap, Map.of("linger.ms", "5")), new StringSerializer(), new StringSerializer())) {
            List<NewTopic> topics = ids.stream().map(id -> new NewTopic(Topics.work(id), 2, (short) 1)).toList();
            admin.createTopics(topics).all().get();
            for (int i = 0; i < services; i++) {
                for (int r = 0; r < i % 7; r++) {
                    producer.send(new ProducerRecord<>(Topics.work(ids.get(i)), r % 2, "k", "{}"));
                }
            }
            producer.flush();
            for (int i = 0; i < services; i += 3) { // a third of them took one item
                if (i % 7 > 0) {
                    admin.alterConsumerGroupOffsets(Topics.workGroup(ids.get(i)), Map.of(
                            new TopicPartition(Topics.work(ids.get(i)), 0), new OffsetAndMetadata(1))).all().get();
                }
            }
            WorkBacklog backlog = new WorkBacklog(bootstrap);
            Map<String, Long> batched = backlog.queued(ids); // warm both paths once
            Map<String, Long> single = new HashMap<>();
            for (String id : ids) {
                single.put(id, backlog.queued(id));
            }
            if (!batched.equals(single)) {
                throw new IllegalStateException("the batch and the single reads disagree");
            }
            long queued = batched.values().stream().mapToLong(Long::longValue).sum();

            double[] batch = new double[7];
            for (int k = 0; k < batch.length; k++) {
                long start = System.nanoTime();
                backlog.queued(ids);
                batch[k] = (System.nanoTime() - start) / 1e6;
            }
            double[] oneByOne = new double[3];
            for (int k = 0; k < oneByOne.length; k++) {
                long start = System.nanoTime();
                for (String id : ids) {
                    backlog.queued(id);
                }
                oneByOne[k] = (System.nanoTime() - start) / 1e6;
            }
            double b = median(batch);
            double o = median(oneByOne);
            System.out.printf("%d autoscaled services, %d queued items in all%n", services, queued);
            System.out.printf("one batch (4 requests)              %9.1f ms a round%n", b);
            System.out.printf("one service at a time (%d requests) %9.1f ms a round (baseline)%n", 4 * services, o);
            System.out.printf("ratio batch / one at a time         %9.3f%n", b / o);
            admin.deleteTopics(ids.stream().map(Topics::work).toList()).all().get();
        }
        System.exit(0);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
