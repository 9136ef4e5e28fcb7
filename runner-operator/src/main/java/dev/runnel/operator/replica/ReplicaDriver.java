package dev.runnel.operator.replica;

import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the replicas of services somewhere: local processes ({@code local}) or a Deployment per service
 * in Kubernetes ({@code kubernetes}). The {@link Reconciler} decides how many replicas a service
 * should have and calls {@link #apply} every round, so a driver must make it cheap when nothing
 * changed; what the driver observes comes back through {@link #observe}.
 */
public interface ReplicaDriver {

    /**
     * What runs of a service now: replicas of its current version that are ready, why it cannot run,
     * and how many replicas the driver keeps for it (what the last {@link #apply} asked, as far as the
     * driver knows it: a restarted operator learns it from the cluster).
     */
    record Observed(int ready, ServiceStatus.Error error, int replicas) {
    }

    /**
     * Brings the service to {@code replicas} replicas of {@code spec}'s version: replicas of older
     * versions are replaced, letting calls in flight finish within the service's drainTime.
     *
     * @param botCredential the credential replicas run with (the service's bot); null when
     *                      {@code replicas} is 0
     * @param kafkaLogin    the replicas' own Kafka login ({@link ReplicaLogins}); null when {@code replicas} is 0
     */
    void apply(ServiceSpec spec, int replicas, String botCredential, KafkaLogin kafkaLogin);

    /** The bot credential kept with the service's replicas (by an earlier operator, say), if any. */
    Optional<String> storedCredential(String serviceId);

    /** Removes all that runs a deleted service; true once nothing of it is left. */
    boolean remove(String serviceId);

    Observed observe(ServiceSpec spec);

    /** The services the driver runs something for (replicas, or resources in a cluster). */
    Set<String> services();

    /** Stops what the driver runs itself (local processes) when the operator stops; replicas in a cluster stay. */
    default void close() {
    }
}
