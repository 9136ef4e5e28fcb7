package dev.runnel.registry.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.kafka.ConsumerLoop;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What the operator reports about services' replicas (service-status), kept for GET /services/{id}/status. */
@ApplicationScoped
public class ReplicaStatus {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ReplicaStatus.class);

    private final Db db;
    private final String bootstrap;
    private ConsumerLoop loop;

    public ReplicaStatus(Db db, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.db = db;
        this.bootstrap = bootstrap;
    }

    /** The last report of a service. */
    public record Reported(int version, String status, int readyReplicas, int desiredReplicas, JsonNode error,
                           Instant updatedAt) {
    }

    void start(@Observes StartupEvent event) {
        loop = ConsumerLoop.start(bootstrap, "registry-service-status", List.of(Topics.SERVICE_STATUS), "earliest",
                record -> {
                    ServiceStatus status;
                    try {
                        status = read(record.value());
                    } catch (IllegalArgumentException unreadable) {
                        LOG.warnf("skipping an unreadable service status of %s", record.key());
                        return;
                    }
                    QuarkusTransaction.requiringNew().run(() -> db.update("INSERT INTO service_status (service_id,"
                            + " version, status, ready_replicas, desired_replicas, error, updated_at) VALUES (?, ?, ?, ?, ?,"
                            + " CAST(? AS jsonb), ?) ON CONFLICT (service_id) DO UPDATE SET version = excluded.version,"
                            + " status = excluded.status, ready_replicas = excluded.ready_replicas, desired_replicas ="
                            + " excluded.desired_replicas, error = excluded.error, updated_at = excluded.updated_at"
                            + " WHERE service_status.updated_at <= excluded.updated_at", status.serviceId(),
                            status.version(), status.status().name(), status.readyReplicas(), status.desiredReplicas(),
                            Db.json(status.error()), status.timestamp()));
                });
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
    }

    public Optional<Reported> of(String serviceId) {
        return db.one("SELECT version, status, ready_replicas, desired_replicas, error::text, updated_at FROM"
                + " service_status WHERE service_id = ?", rs -> new Reported(rs.getInt(1), rs.getString(2), rs.getInt(3),
                rs.getInt(4), rs.getString(5) == null ? null : Db.fromJson(rs.getString(5), JsonNode.class),
                rs.getTimestamp(6).toInstant()), serviceId);
    }

    private static ServiceStatus read(String json) {
        try {
            return Json.mapper().readValue(json, ServiceStatus.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
