package dev.runnel.operator.reconciler;

import dev.runnel.contracts.ServiceSpec;
import java.util.List;

/** Runs replicas somewhere: local processes now, Kubernetes pods later. */
public interface ReplicaDriver {

    /** A replica this driver runs, as far as the reconciler needs to know. */
    interface Replica {
        String id();

        int version();

        /** Whether it still runs. */
        boolean alive();

        /** The exit code once it ended. */
        Integer exitCode();

        /** Why it ended, as it said (an init failure's error JSON, a refusal), or null. */
        String lastWords();

        /** Asks it to stop, letting calls in flight finish within the service's drainTime. */
        void stop();

        /** Stops it at once (tests use it as a crash). */
        void kill();
    }

    Replica start(ServiceSpec spec, String replicaId, String botCredential);

    /** The replicas of a service it knows about, alive or ended but not yet forgotten. */
    List<Replica> replicas(String serviceId);

    void forget(Replica replica);
}
