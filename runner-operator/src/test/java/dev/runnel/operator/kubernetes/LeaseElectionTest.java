package dev.runnel.operator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Operators elect one through a Lease (Fabric8's mock API server in CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class LeaseElectionTest {

    static KubernetesClient client;

    static final LeaseElection.Timing FAST = new LeaseElection.Timing(Duration.ofSeconds(2),
            Duration.ofMillis(1500), Duration.ofMillis(200));

    Lease lease(String name) {
        return client.leases().inNamespace("ops").withName(name).get();
    }

    @Test
    void oneLeadsAnotherStandsByAndTakesOverWhenTheFirstStops() throws Exception {
        CountDownLatch lost = new CountDownLatch(2);
        LeaseElection first = LeaseElection.start(client, "ops", "runnel-operator", "first", FAST, lost::countDown);
        first.leading().get(10, TimeUnit.SECONDS);
        assertThat(lease("runnel-operator").getSpec().getHolderIdentity()).isEqualTo("first");

        LeaseElection second = LeaseElection.start(client, "ops", "runnel-operator", "second", FAST, lost::countDown);
        try {
            // the first renews its lease: the second keeps standing by, longer than a lease lasts
            Eventually.holdsFor(FAST.lease().plusSeconds(1), Duration.ofMillis(200), "the first keeps the lease",
                    () -> !second.leading().isDone()
                            && "first".equals(lease("runnel-operator").getSpec().getHolderIdentity()));

            first.close(); // an operator that stops releases the lease
            second.leading().get(10, TimeUnit.SECONDS);
            assertThat(lease("runnel-operator").getSpec().getHolderIdentity()).isEqualTo("second");
            assertThat(lost.getCount()).as("neither lost a lease it held").isEqualTo(2);
        } finally {
            second.close();
        }
    }

    @Test
    void aHolderThatCannotRenewItsLeaseIsToldAtOnce() throws Exception {
        CountDownLatch lost = new CountDownLatch(1);
        LeaseElection holder = LeaseElection.start(client, "ops", "taken", "holder", FAST, lost::countDown);
        try {
            holder.leading().get(10, TimeUnit.SECONDS);
            // another takes the lease over (as after a partition that outlasted it)
            for (int attempt = 0; ; attempt++) {
                try {
                    client.leases().inNamespace("ops").withName("taken").edit(lease -> {
                        lease.getSpec().setHolderIdentity("intruder");
                        lease.getSpec().setLeaseDurationSeconds(60);
                        lease.getSpec().setRenewTime(ZonedDateTime.now());
                        return lease;
                    });
                    break;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt > 50) {
                        throw e; // else the holder renewed in between: again
                    }
                }
            }
            assertThat(lost.await(10, TimeUnit.SECONDS)).as("told that it lost the lease").isTrue();
        } finally {
            holder.close();
        }
    }
}
