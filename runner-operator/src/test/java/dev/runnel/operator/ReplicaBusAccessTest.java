package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.contracts.BusGrants;
import dev.runnel.contracts.ExecutionStatus;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Code in a real replica, with what it can read of its environment, against the real (secured)
 * broker: it can do on the bus only what its own service needs (ADR 15).
 */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class ReplicaBusAccessTest {

    private static Map<String, Object> client(Map<String, String> env, Map<String, Object> more) {
        Map<String, Object> settings = new HashMap<>(KafkaLogin.fromEnvironment(env).settings());
        settings.put("bootstrap.servers", RunnelInfrastructure.kafka().bootstrapServers());
        settings.put("max.block.ms", "5000");
        settings.put("default.api.timeout.ms", "5000");
        settings.putAll(more);
        return settings;
    }

    private static void refused(KafkaProducer<String, String> producer, String topic, Object value) {
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", Json.mapper().writeValueAsString(value)))
                .get()).as("writing " + topic).hasRootCauseInstanceOf(AuthorizationException.class);
    }

    @Test
    void codeInAReplicaCanDoOnTheBusOnlyWhatItsServiceNeeds() throws Exception {
        Deployments.Project victims = Deployments.project();
        String victim = Deployments.deployLab(victims, Map.of());
        String running = Deployments.execute(victims, victim, "slow", Map.of("seconds", 6));
        Deployments.awaitInProgress(victims, running);

        Deployments.Project attackers = Deployments.project();
        String mine = Deployments.deployLab(attackers, Map.of());
        JsonPath seen = Deployments.waitFor(attackers, Deployments.execute(attackers, mine, "environment", Map.of()));
        Map<String, String> env = seen.getMap("output");
        // the replica has its own login, and none of the operator's secrets
        assertThat(env.get("RUNNEL_KAFKA_USERNAME")).isEqualTo("replica-" + mine);
        assertThat(env).doesNotContainKeys("RUNNEL_OPERATOR_KEY", "RUNNEL_DB_PASSWORD", "RUNNEL_DB_URL");
        assertThat(env.get("RUNNEL_KAFKA_PASSWORD")).isNotEqualTo(RunnelInfrastructure.kafka().password())
                .isNotEqualTo(RunnelInfrastructure.kafka().login(BusGrants.RUNNER_OPERATOR).password());

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(env, Map.of()),
                new StringSerializer(), new StringSerializer())) {
            refused(producer, Topics.SERVICE_SPECS, Map.of("serviceId", victim, "runnerImage", "evil:1"));
            refused(producer, Topics.RESOURCE_EVENTS, Map.of("specversion", "1.0", "projectid", victims.id()));
            refused(producer, Topics.work(victim), Map.of("executionId", running));
            // a status report it may write, but without the attempt's proof it changes nothing
            producer.send(new ProducerRecord<>(Topics.EXECUTION_STATUS, running, Json.mapper().writeValueAsString(
                    new ExecutionStatusUpdate(UUID.randomUUID().toString(), running, 1, "replica-forger",
                            ExecutionStatus.SUCCESS, null, "forged", Json.mapper().valueToTree(Map.of("forged", true)),
                            null, Instant.now(), null, null)))).get();
        }
        // another service's work: neither through its group nor without one
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(client(env, Map.of(
                "group.id", Topics.workGroup(victim))), new StringDeserializer(), new StringDeserializer())) {
            assertThatThrownBy(() -> {
                consumer.assign(List.of(new TopicPartition(Topics.work(victim), 0)));
                consumer.poll(Duration.ofSeconds(5));
            }).isInstanceOf(AuthorizationException.class);
        }
        // its own service's work it may read
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(client(env, Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            assertThat(consumer.partitionsFor(Topics.work(mine), Duration.ofSeconds(5))).isNotEmpty();
        }

        JsonPath done = Deployments.waitFor(victims, running);
        assertThat(done.getString("latestStatus.status")).isEqualTo("success");
        assertThat(done.getString("output")).isEqualTo("slept 6");
    }
}
