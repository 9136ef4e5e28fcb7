package dev.runnel.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A replica says it is alive, on {@link Topics#REPLICA_HEARTBEATS} keyed by service id, every few
 * seconds: what it runs now (execution id and attempt), and how much it can take.
 */
public record ReplicaHeartbeat(
        String eventId,
        String serviceId,
        String replicaId,
        boolean ready,
        List<Running> inFlight,
        int capacity,
        Instant timestamp) {

    public static final String SCHEMA = "schemas/replica-heartbeat.v1.json";

    /** One attempt the replica runs. */
    public record Running(String executionId, int attempt) {
    }
}
