package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.kubernetes.RunnelService;
import dev.runnel.testsupport.Eventually;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An operator whose Lease another holds stands by: it writes nothing to the cluster and publishes no
 * status, and takes over once the lease is free (the real platform, the mock API server in CRUD mode).
 */
@QuarkusTest
@TestProfile(OnKubernetes.class)
@WithTestResource(OperatorWorld.class)
@WithKubernetesTestServer(crud = true, setup = OperatorStandbyTest.HeldByAnother.class)
class OperatorStandbyTest {

    /** Before the operator starts: the CRD, and the lease held by another operator for an hour. */
    public static class HeldByAnother implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            KubernetesClient client = server.getClient();
            try (InputStream crd = getClass().getResourceAsStream("/META-INF/fabric8/runnelservices.runnel.dev-v1.yml")) {
                CustomResourceDefinition definition = client.apiextensions().v1().customResourceDefinitions()
                        .load(crd).item();
                client.resource(definition).create();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            client.resource(new LeaseBuilder().withNewMetadata().withName("runnel-operator")
                    .withNamespace(OnKubernetes.NS).endMetadata().withNewSpec()
                    .withHolderIdentity("the-other-operator").withLeaseDurationSeconds(3600)
                    .withAcquireTime(ZonedDateTime.now()).withRenewTime(ZonedDateTime.now()).withLeaseTransitions(0)
                    .endSpec().build()).create();
        }
    }

    @Inject
    KubernetesClient client;

    RunnelService service(String id) {
        return client.resources(RunnelService.class).inNamespace(OnKubernetes.NS)
                .withName(RunnelService.nameOf(id)).get();
    }

    @Test
    void aStandbyOperatorWritesNothingUntilTheLeaseIsFree() throws Exception {
        Deployments.Project project = Deployments.project();
        String id = Deployments.deploy(project, null, "standby-" + System.nanoTime());
        // the leader (not running here) would have written the RunnelService within a round (0.5 s)
        Eventually.holdsFor(Duration.ofSeconds(4), Duration.ofMillis(200), "nothing written while another holds the lease",
                () -> service(id) == null);
        assertThat(project.as().get("/services/" + id + "/status").then().extract().jsonPath().getString("status"))
                .as("no status published by a standby").isNotIn("Active", "Error");

        // the other operator is gone and its lease expired: this one takes over
        for (int attempt = 0; ; attempt++) {
            try {
                client.leases().inNamespace(OnKubernetes.NS).withName("runnel-operator").edit(lease -> {
                    lease.getSpec().setRenewTime(ZonedDateTime.now().minusHours(2));
                    return lease;
                });
                break;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 50) {
                    throw e;
                }
            }
        }
        RunnelService taken = KubernetesDriverTest.await("the RunnelService written by the new leader",
                () -> service(id), s -> true);
        assertThat(taken.getSpec().serviceId).isEqualTo(id);
        assertThat(client.leases().inNamespace(OnKubernetes.NS).withName("runnel-operator").get().getSpec()
                .getHolderIdentity()).isNotEqualTo("the-other-operator");
    }
}
