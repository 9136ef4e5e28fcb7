package dev.runnel.operator.reconciler;

import dev.runnel.operator.replica.ReplicaDriver;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.kubernetes.KubernetesDriver;
import dev.runnel.operator.local.LocalProcessDriver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the replica driver of this deployment from {@code runnel.operator.driver}; the other is never created. */
public class Drivers {

    @Produces
    @ApplicationScoped
    ReplicaDriver driver(OperatorConfig config, Instance<LocalProcessDriver> local,
                         Instance<KubernetesDriver> kubernetes) {
        return switch (config.driver()) {
            case "local" -> local.get();
            case "kubernetes" -> kubernetes.get();
            default -> throw new IllegalArgumentException("runnel.operator.driver must be local or kubernetes, not "
                    + config.driver());
        };
    }
}
