package dev.runnel.operator.reconciler;

import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.kubernetes.KubernetesConfig;
import dev.runnel.operator.kubernetes.LeaseElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Quarkus;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Which operator reconciles: with the Kubernetes driver, the one that holds the Lease (the chart may
 * run several; the others stand by); with local processes, this one (one machine, one operator).
 */
@ApplicationScoped
public class Leadership {

    private final OperatorConfig config;
    private final Instance<KubernetesClient> client;
    private final Instance<KubernetesConfig> kubernetes;
    private LeaseElection election;

    public Leadership(OperatorConfig config, Instance<KubernetesClient> client, Instance<KubernetesConfig> kubernetes) {
        this.config = config;
        this.client = client;
        this.kubernetes = kubernetes;
    }

    /** Completes once this operator may reconcile. */
    public synchronized CompletableFuture<Void> leading() {
        if (!"kubernetes".equals(config.driver())) {
            return CompletableFuture.completedFuture(null);
        }
        if (election == null) {
            KubernetesClient kube = client.get();
            String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("runner-operator") + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            // a lost lease means another operator may be writing already: stop at once, and let
            // Kubernetes start this one again as a follower
            election = LeaseElection.start(kube, kubernetes.get().namespaceOf(kube), kubernetes.get().leaseName(),
                    identity, LeaseElection.Timing.DEFAULT, () -> Quarkus.asyncExit(1));
        }
        return election.leading();
    }

    @PreDestroy
    synchronized void stop() {
        if (election != null) {
            election.close();
        }
    }
}
