package dev.runnel.operator.replica;

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
import java.util.ArrayList;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
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

    private static final int SCRAM_ITERATIONS = 4096;

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
        return "replica-" + serviceId;
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
            admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(login.username(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS), login.password())))
                    .all().get(10, TimeUnit.SECONDS);
            admin().createAcls(acls(serviceId)).all().get(10, TimeUnit.SECONDS);
            made.add(serviceId);
        }
        return login;
    }

    /** Removes the principal of a deleted service's replicas: its credential and its ACLs. */
    public void remove(String serviceId) throws ExecutionException, InterruptedException, TimeoutException {
        made.remove(serviceId);
        try {
            admin().alterUserScramCredentials(List.of(new UserScramCredentialDeletion(username(serviceId),
                    ScramMechanism.SCRAM_SHA_256))).all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
        }
        admin().deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                "User:" + username(serviceId), null, AclOperation.ANY, AclPermissionType.ANY))))
                .all().get(10, TimeUnit.SECONDS);
    }

    /** What a service's replicas may do on the bus, and nothing more. */
    static List<AclBinding> acls(String serviceId) {
        String principal = "User:" + username(serviceId);
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation operation : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
            acls.add(allow(ResourceType.TOPIC, Topics.work(serviceId), principal, operation));
            acls.add(allow(ResourceType.TOPIC, Topics.RUNNER_CONTROL, principal, operation));
        }
        acls.add(allow(ResourceType.GROUP, Topics.workGroup(serviceId), principal, AclOperation.READ));
        for (String topic : List.of(Topics.EXECUTION_STATUS, Topics.EXECUTION_LOGS, Topics.REPLICA_HEARTBEATS)) {
            acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.WRITE));
            acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.DESCRIBE));
        }
        return acls;
    }

    private static AclBinding allow(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
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
