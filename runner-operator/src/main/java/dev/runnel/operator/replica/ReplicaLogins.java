package dev.runnel.operator.replica;

import dev.runnel.contracts.BusGrants;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.KafkaClients;
import dev.runnel.kit.kafka.KafkaTopics;
import dev.runnel.operator.OperatorConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each service's replicas log in to Kafka as a principal of their own, {@code replica-<serviceId>},
 * which ACLs let read only that service's work (and the runner-control topic) and write only status
 * reports, logs and heartbeats (ADR 15). So code in a replica cannot publish a service spec or a
 * resource event, read or take another service's work, or join another service's group. The
 * principal is made (SCRAM credential and ACLs) the first time the operator runs the service's
 * replicas and removed with the service. Its password is derived from the operator's key and the
 * service id, so that every operator, and the same one after a restart, gives the same one.
 */
@ApplicationScoped
public class ReplicaLogins {

    private final OperatorConfig config;
    private final String bootstrap;
    private final Set<String> made = ConcurrentHashMap.newKeySet();
    private Admin admin;

    public ReplicaLogins(OperatorConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.bootstrap = bootstrap;
    }

    /** The principal of a service's replicas. */
    public static String username(String serviceId) {
        return BusGrants.replicas(serviceId);
    }

    /** The login of a service's replicas, its principal made first if this operator has not made it yet. */
    public KafkaLogin of(String serviceId) throws ExecutionException, InterruptedException, TimeoutException {
        KafkaLogin login = new KafkaLogin(username(serviceId), password(serviceId));
        if (!made.contains(serviceId)) {
            // a replica may not create topics: those it reads and writes are there before it starts
            for (String topic : List.of(Topics.RUNNER_CONTROL, Topics.EXECUTION_STATUS, Topics.EXECUTION_LOGS,
                    Topics.REPLICA_HEARTBEATS)) {
                KafkaTopics.createIfMissing(admin(), new NewTopic(topic, Optional.empty(), Optional.empty()));
            }
            BusGrants.grant(admin(), login, BusGrants.ofReplicas(serviceId));
            made.add(serviceId);
        }
        return login;
    }

    /** Removes the principal of a deleted service's replicas: its credential and its ACLs. */
    public void remove(String serviceId) throws ExecutionException, InterruptedException, TimeoutException {
        made.remove(serviceId);
        BusGrants.revoke(admin(), username(serviceId));
    }

    private String password(String serviceId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.operatorKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(("kafka login of the replicas of " + serviceId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaClients.admin(bootstrap);
        }
        return admin;
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
