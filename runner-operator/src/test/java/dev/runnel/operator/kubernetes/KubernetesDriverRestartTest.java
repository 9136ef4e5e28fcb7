package dev.runnel.operator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.Eventually;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import dev.runnel.contracts.KafkaLogin;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver on its own against the mock API server: what it finds when it starts, it reconciles. */
@EnableKubernetesMockClient(crud = true)
public class KubernetesDriverRestartTest {

    static KubernetesClient client;

    @BeforeEach
    void crd() throws Exception {
        try (InputStream crd = getClass().getResourceAsStream("/META-INF/fabric8/runnelservices.runnel.dev-v1.yml")) {
            client.resource(client.apiextensions().v1().customResourceDefinitions().load(crd).item())
                    .createOr(existing -> existing.update());
        }
    }

    public static ServiceSpec spec(String id, int replicas) {
        return new ServiceSpec("e1", id, "p1", "svc", 1, true, "pkg", "package", 1, CodebaseRef.blob("0".repeat(64), 10),
                new Module("default_module", "ServiceRunner", "main.py", List.of(), List.of(new Module.Function("run",
                        null, List.of(), List.of()))), JsonNodeFactory.instance.objectNode(),
                new Runtime(false, replicas, 10, null, "regular-s", null), 3, 3600, OnReset.FAILED, 60, "bot@p1",
                Instant.parse("2026-11-25T00:00:00Z"), null);
    }

    static <T> T await(Supplier<T> read) {
        return Eventually.value(Duration.ofSeconds(20), Duration.ofMillis(50), "the resource", read, Objects::nonNull);
    }

    @Test
    void aDeploymentDeletedWhileTheOperatorWasDownIsMadeAgainWhenItStarts() throws Exception {
        ReplicaDeployment.Settings settings = new ReplicaDeployment.Settings("kafka:9092", "http://gateway/api/v1",
                "runnel/runner:test", "IfNotPresent", null, Map.of(), List.of(), 300);
        String id = "0123456789abcdef0123abcd";
        String name = RunnelService.nameOf(id);
        KubernetesDriver first = new KubernetesDriver(client, "restart", settings);
        first.start();
        first.apply(spec(id, 2), 2, "credential", new KafkaLogin("replica-" + id, "kafka-secret"));
        assertThat(await(() -> client.apps().deployments().inNamespace("restart").withName(name).get())).isNotNull();
        // the replicas' credentials are in the service's Secret, never in the Deployment
        var secret = client.secrets().inNamespace("restart").withName(name + "-bot").get();
        assertThat(secret.getData()).containsOnlyKeys("credential", "kafka-password");
        assertThat(new String(java.util.Base64.getDecoder().decode(secret.getData().get("kafka-password"))))
                .isEqualTo("kafka-secret");
        first.close();

        client.apps().deployments().inNamespace("restart").withName(name).delete();
        assertThat(await(() -> client.apps().deployments().inNamespace("restart").withName(name).get() == null
                ? Boolean.TRUE : null)).isTrue();

        KubernetesDriver second = new KubernetesDriver(client, "restart", settings);
        second.start();
        try {
            Deployment again = await(() -> client.apps().deployments().inNamespace("restart").withName(name).get());
            assertThat(again).as("made again from the RunnelService alone").isNotNull();
            assertThat(again.getSpec().getReplicas()).isEqualTo(2);
            assertThat(second.writes()).as("no spec was applied to the second driver").isPositive();
        } finally {
            second.close();
        }
    }
}
