package dev.runnel.trigger.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The bus trusts no one (ADR 15): a client without a login, or with a wrong one, is refused; your
 * systems' principal may write resource events, and nothing else.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
@TestProfile(ProducersTest.WithProducers.class)
class ProducersTest {

    static final String PASSWORD = "producers-password-for-the-test";

    /** trigger-service makes the producers' principal with this password. */
    public static class WithProducers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.trigger.producer-password", PASSWORD);
        }
    }

    private static Map<String, Object> settings(KafkaLogin login) {
        Map<String, Object> settings = new HashMap<>(login == null ? Map.of() : login.settings());
        settings.put("bootstrap.servers", RunnelInfrastructure.kafka().bootstrapServers());
        settings.put("max.block.ms", "5000");
        settings.put("default.api.timeout.ms", "5000");
        return settings;
    }

    private static KafkaProducer<String, String> producer(KafkaLogin login) {
        return new KafkaProducer<>(settings(login), new StringSerializer(), new StringSerializer());
    }

    @Test
    void withoutTheRightLoginNothingIsWritten() {
        try (KafkaProducer<String, String> anonymous = producer(null)) {
            assertThatThrownBy(() -> anonymous.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get())
                    .as("no login").isNotNull();
        }
        try (KafkaProducer<String, String> wrong = producer(new KafkaLogin("producer", "not-the-password"))) {
            assertThatThrownBy(() -> wrong.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get())
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void yourSystemsWriteResourceEventsAndNothingElse() throws Exception {
        KafkaLogin login = new KafkaLogin("producer", PASSWORD);
        // trigger-service makes the principal as it starts
        Eventually.until(Duration.ofSeconds(30), Duration.ofMillis(500), "the producers' principal", () -> {
            try (KafkaProducer<String, String> producer = producer(login)) {
                return producer.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get().offset() >= 0;
            } catch (Exception notYet) {
                return false;
            }
        });
        try (KafkaProducer<String, String> producer = producer(login)) {
            assertThat(producer.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get().offset())
                    .isNotNegative();
            for (String topic : List.of(Topics.EXECUTION_REQUESTS, Topics.SERVICE_SPECS, Topics.EXECUTION_STATUS)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "{}")).get()).as(topic)
                        .hasRootCauseInstanceOf(AuthorizationException.class);
            }
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings(login), new StringDeserializer(),
                new StringDeserializer())) {
            reader.assign(List.of(new TopicPartition(Topics.RESOURCE_EVENTS, 0)));
            reader.seekToBeginning(reader.assignment());
            assertThatThrownBy(() -> reader.poll(Duration.ofSeconds(5))).as("reading what others published")
                    .isInstanceOf(AuthorizationException.class);
        }
    }
}
