package dev.runnel.execution.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.json.NulChars;
import dev.runnel.kit.kafka.ConsumerLoop;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.kit.kafka.KafkaTopics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The services as execution-service knows them: the latest spec of each, from the compacted
 * {@code service-specs} topic (a tombstone marks it deleted). Creates each service's work topic,
 * with at least as many partitions as it may have replicas.
 */
@ApplicationScoped
public class SpecStore {

    private static final Logger LOG = Logger.getLogger(SpecStore.class);

    private final Db db;
    private final String bootstrap;
    private ConsumerLoop loop;
    private Admin admin;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    public SpecStore(Db db, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.db = db;
        this.bootstrap = bootstrap;
    }

    /** A service's spec, and whether it was deleted. */
    public record Known(ServiceSpec spec, boolean deleted) {
    }

    void start(@Observes StartupEvent event) {
        loop = ConsumerLoop.start(bootstrap, "execution-service-specs", List.of(Topics.SERVICE_SPECS), "earliest",
                this::onSpec);
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    /**
     * A service's spec as the database has it now. Every call reads the row (another instance may
     * have stored a newer version); the JSON is parsed again only when it changed.
     */
    public Optional<Known> find(String serviceId) {
        return db.one("SELECT spec::text, deleted FROM service_specs WHERE service_id = ?", rs -> {
            String text = rs.getString(1);
            Parsed last = parsed.get(serviceId);
            ServiceSpec spec = last != null && last.text().equals(text) ? last.spec() : null;
            if (spec == null) {
                spec = read(text);
                parsed.put(serviceId, new Parsed(text, spec));
            }
            return new Known(spec, rs.getBoolean(2));
        }, serviceId);
    }

    /** The last JSON read of a service's spec, and what it parsed to. */
    private record Parsed(String text, ServiceSpec spec) {
    }

    void onSpec(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            QuarkusTransaction.requiringNew().run(() ->
                    db.update("UPDATE service_specs SET deleted = true, active = false, updated_at = now()"
                            + " WHERE service_id = ?", record.key()));
            return;
        }
        ServiceSpec spec;
        try {
            spec = read(record.value());
        } catch (IllegalStateException unreadable) {
            LOG.warnf("skipping an unreadable service spec of %s: %s", record.key(), unreadable.getMessage());
            return;
        }
        ensureWorkTopic(spec);
        QuarkusTransaction.requiringNew().run(() -> db.update(
                "INSERT INTO service_specs (service_id, project_id, version, active, spec) VALUES (?, ?, ?, ?, CAST(? AS jsonb))"
                        + " ON CONFLICT (service_id) DO UPDATE SET project_id = excluded.project_id, version = excluded.version,"
                        + " active = excluded.active, spec = excluded.spec, deleted = false, updated_at = now()",
                spec.serviceId(), spec.projectId(), spec.version(), spec.active(), NulChars.escapeJson(record.value())));
    }

    /** The work topic of a service, with a partition per replica it may ever have. */
    private void ensureWorkTopic(ServiceSpec spec) {
        int partitions = Math.max(1, Math.max(spec.runtime().replicas() == null ? 1 : spec.runtime().replicas(),
                spec.runtime().autoscaler() == null ? 1 : spec.runtime().autoscaler().maxReplicas()));
        String topic = Topics.work(spec.serviceId());
        try {
            Admin admin = admin();
            if (!KafkaTopics.createIfMissing(admin, new NewTopic(topic, partitions, (short) 1))) {
                int current = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
                if (current < partitions) {
                    admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all()
                            .get(10, TimeUnit.SECONDS);
                    LOG.infof("work topic %s grown to %d partitions", topic, partitions);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare " + topic + ": " + e.getMessage(), e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaClients.admin(bootstrap);
        }
        return admin;
    }

    private static ServiceSpec read(String json) {
        try {
            return Json.mapper().readValue(json, ServiceSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable service spec: " + e.getOriginalMessage(), e);
        }
    }
}
