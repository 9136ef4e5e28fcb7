package dev.runnel.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator removes what runs for services missing from the spec topic only once it has read the
 * topic to where it ended at start: a loop is caught up only after its handler saw every record
 * that was there, never before (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class SpecTopicCatchUpTest {

    @Test
    void aLoopIsCaughtUpOnlyAfterItsHandlerSawEveryRecordThatWasThere() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String topic = "catch-up-" + UUID.randomUUID();
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        int before = 300;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < before; i++) {
                producer.send(new ProducerRecord<>(topic, "service-" + i, "{}"));
            }
            producer.flush();

            AtomicInteger seen = new AtomicInteger();
            AtomicInteger handledAfterCaughtUp = new AtomicInteger();
            AtomicReference<ConsumerLoop> loop = new AtomicReference<>();
            loop.set(ConsumerLoop.startReading(bootstrap, "catch-up", List.of(topic), "earliest",
                    record -> {
                        ConsumerLoop started = loop.get();
                        if (started != null && started.caughtUp() && !record.key().equals("service-new")) {
                            handledAfterCaughtUp.incrementAndGet();
                        }
                        seen.incrementAndGet();
                        handlingTakes(2); // slow enough that a premature "caught up" would show
                    }));
            try {
                assertThat(loop.get().awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
                assertThat(seen.get()).as("caught up: every record that was there was handled").isEqualTo(before);
                assertThat(handledAfterCaughtUp.get()).as("records of the start handled after 'caught up'").isZero();

                // records after the start do not take it back
                producer.send(new ProducerRecord<>(topic, "service-new", "{}")).get();
                Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(10), "the record after the start",
                        () -> seen.get() >= before + 1);
                assertThat(seen.get()).isEqualTo(before + 1);
                assertThat(loop.get().caughtUp()).isTrue();
            } finally {
                loop.get().close();
            }
        }
    }

    /** A handler that takes {@code millis} per record. */
    private static void handlingTakes(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
