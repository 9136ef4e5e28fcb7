package dev.runnel.operator.replica;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.ReplicaHeartbeat;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What replicas last said on {@code replica-heartbeats} (every operator reads them all): whether each
 * is ready, and how many calls it runs. Local replicas count as ready from their heartbeats, and the
 * autoscaler counts work in flight from them, whichever driver runs the replicas.
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private record Beat(String serviceId, boolean ready, int inFlight, Instant seen) {
    }

    private final Map<String, Beat> byReplica = new ConcurrentHashMap<>();
    private final String bootstrap;
    private ConsumerLoop loop;

    public Heartbeats(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        loop = ConsumerLoop.startReading(bootstrap, "runner-operator-beats",
                List.of(Topics.REPLICA_HEARTBEATS), "latest", record -> {
                    try {
                        heard(Json.mapper().readValue(record.value(), ReplicaHeartbeat.class), Instant.now());
                    } catch (Exception e) {
                        LOG.warnf("skipping an unreadable heartbeat: %s", e.getMessage());
                    }
                });
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
    }

    void heard(ReplicaHeartbeat beat, Instant at) {
        byReplica.put(beat.replicaId(), new Beat(beat.serviceId(), beat.ready(),
                beat.inFlight() == null ? 0 : beat.inFlight().size(), at));
    }

    /** Whether the replica said it was ready within {@code within}. */
    public boolean ready(String replicaId, Duration within) {
        Beat beat = byReplica.get(replicaId);
        return beat != null && beat.ready() && beat.seen().isAfter(Instant.now().minus(within));
    }

    /** Calls running on the service's replicas heard from within {@code within}; older beats are dropped. */
    public int inFlight(String serviceId, Duration within) {
        Instant fresh = Instant.now().minus(within);
        byReplica.values().removeIf(b -> b.seen().isBefore(fresh.minus(within)));
        return byReplica.values().stream().filter(b -> b.serviceId().equals(serviceId) && b.seen().isAfter(fresh))
                .mapToInt(Beat::inFlight).sum();
    }
}
