package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.contracts.BusGrants;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bus trusts no one (ADR 15), on a real broker with contracts' {@link BusGrants}: a client without a
 * login, or with a wrong one, is refused; each platform service writes the topics it owns and no other;
 * your systems' principal writes resource events and reads nothing.
 */
class BusGrantsTest {

    /** trigger-service makes resource-events as it starts: your systems may write it, not create it */
    @BeforeAll
    static void resourceEventsAreThere() throws Exception {
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings())) {
            KafkaTopics.createIfMissing(admin, new NewTopic(Topics.RESOURCE_EVENTS, 1, (short) 1));
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

    private static KafkaLogin login(String principal) {
        return RunnelInfrastructure.kafka().login(principal);
    }

    @Test
    void withoutTheRightLoginNothingIsWritten() {
        try (KafkaProducer<String, String> anonymous = producer(null)) {
            assertThatThrownBy(() -> anonymous.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get())
                    .as("no login").isNotNull();
        }
        try (KafkaProducer<String, String> wrong = producer(new KafkaLogin(BusGrants.PRODUCER, "not-the-password"))) {
            assertThatThrownBy(() -> wrong.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get())
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** A principal, a topic it owns, and topics of others that it must not write. */
    static Stream<Arguments> owners() {
        return Stream.of(
                Arguments.of(BusGrants.PRODUCER, Topics.RESOURCE_EVENTS,
                        List.of(Topics.EXECUTION_REQUESTS, Topics.SERVICE_SPECS, Topics.EXECUTION_STATUS)),
                Arguments.of(BusGrants.BOT_SERVICE, Topics.BOT_EVENTS,
                        List.of(Topics.SERVICE_SPECS, Topics.RESOURCE_EVENTS, Topics.EXECUTION_STATUS)),
                Arguments.of(BusGrants.REGISTRY_SERVICE, Topics.SERVICE_SPECS,
                        List.of(Topics.SERVICE_STATUS, Topics.EXECUTION_STATUS, Topics.work("victim"))),
                Arguments.of(BusGrants.EXECUTION_SERVICE, Topics.work("grants-test"),
                        List.of(Topics.SERVICE_SPECS, Topics.EXECUTION_STATUS, Topics.RESOURCE_EVENTS)),
                Arguments.of(BusGrants.TRIGGER_SERVICE, Topics.EXECUTION_REQUESTS,
                        List.of(Topics.SERVICE_SPECS, Topics.EXECUTION_STATUS, Topics.work("victim"))),
                Arguments.of(BusGrants.RUNNER_OPERATOR, Topics.SERVICE_STATUS,
                        List.of(Topics.SERVICE_SPECS, Topics.EXECUTION_STATUS, Topics.work("victim"))));
    }

    @ParameterizedTest(name = "{0} writes {1} and nothing of others")
    @MethodSource("owners")
    void eachPrincipalWritesWhatItOwnsAndNothingElse(String principal, String owned, List<String> others)
            throws Exception {
        try (KafkaProducer<String, String> producer = producer(login(principal))) {
            assertThat(producer.send(new ProducerRecord<>(owned, "k", "{}")).get().offset()).isNotNegative();
            for (String topic : others) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "{}")).get()).as(topic)
                        .hasRootCauseInstanceOf(AuthorizationException.class);
            }
        }
    }

    @Test
    void yourSystemsReadNothing() throws Exception {
        try (KafkaProducer<String, String> producer = producer(login(BusGrants.PRODUCER))) {
            producer.send(new ProducerRecord<>(Topics.RESOURCE_EVENTS, "k", "{}")).get();
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings(login(BusGrants.PRODUCER)),
                new StringDeserializer(), new StringDeserializer())) {
            reader.assign(List.of(new TopicPartition(Topics.RESOURCE_EVENTS, 0)));
            reader.seekToBeginning(reader.assignment());
            assertThatThrownBy(() -> reader.poll(Duration.ofSeconds(5))).as("reading what others published")
                    .isInstanceOf(AuthorizationException.class);
        }
    }
}
