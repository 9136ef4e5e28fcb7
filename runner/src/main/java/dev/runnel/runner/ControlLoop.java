package dev.runnel.runner;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads {@code runner-control} from its end, every partition, without a consumer group (a group per
 * replica cost a join at every start and left a group with its offsets behind every replica), and
 * hands requests to terminate a call to {@link Calls}.
 */
final class ControlLoop implements Runnable {

    private final RunnerConfig config;
    private final Calls calls;
    private final BooleanSupplier stopping;
    private final Consumer<String> log;

    ControlLoop(RunnerConfig config, Calls calls, BooleanSupplier stopping, Consumer<String> log) {
        this.config = config;
        this.calls = calls;
        this.stopping = stopping;
        this.log = log;
    }

    @Override
    public void run() {
        while (!stopping.getAsBoolean()) {
            try {
                follow();
            } catch (IOException | RuntimeException e) {
                // without it, terminations go unheard: say so where the service's logs show it, and follow again
                log.accept("control loop failed, following runner-control again: " + e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void follow() throws IOException, InterruptedException {
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(config,
                Map.of("auto.offset.reset", "latest"))) {
            List<TopicPartition> partitions = List.of();
            while (!stopping.getAsBoolean() && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(Topics.RUNNER_CONTROL).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    Thread.sleep(1000); // the topic is not there yet
                }
            }
            consumer.assign(partitions);
            while (!stopping.getAsBoolean()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    calls.terminate(Json.mapper().readValue(record.value(), RunnerControl.class));
                }
            }
        }
    }
}
