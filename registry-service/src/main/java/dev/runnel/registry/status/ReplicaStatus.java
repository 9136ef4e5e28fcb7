package dev.runnel.registry.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.kit.db.Db;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** What the operator reports about services' replicas (service-status), kept for GET /services/{id}/status. */
@ApplicationScoped
public class ReplicaStatus {

    private static final Logger LOG = Logger.getLogger(ReplicaStatus.class);

    private final Db db;

    public ReplicaStatus(Db db) {
        this.db = db;
    }

    /** The last report of a service. */
    public record Reported(int version, String status, int readyReplicas, int desiredReplicas, JsonNode error,
                           Instant updatedAt) {
    }

    /**
     * Keeps the latest report of each service (an older one arriving late changes nothing). A report
     * that cannot be read is skipped; one whose write fails goes to the dead-letter topic.
     */
    @Incoming("service-status")
    @Blocking
    @Transactional
    void apply(String json) {
        ServiceStatus status;
        try {
            status = read(json);
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("skipping an unreadable service status: %s", unreadable.getMessage());
            return;
        }
        db.update("INSERT INTO service_status (service_id, version, status, ready_replicas, desired_replicas, error,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?) ON CONFLICT (service_id) DO UPDATE SET"
                + " version = excluded.version, status = excluded.status, ready_replicas = excluded.ready_replicas,"
                + " desired_replicas = excluded.desired_replicas, error = excluded.error, updated_at = excluded.updated_at"
                + " WHERE service_status.updated_at <= excluded.updated_at", status.serviceId(), status.version(),
                status.status().name(), status.readyReplicas(), status.desiredReplicas(), Db.json(status.error()),
                status.timestamp());
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
