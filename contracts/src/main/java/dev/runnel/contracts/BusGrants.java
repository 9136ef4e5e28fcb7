package dev.runnel.contracts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
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

/**
 * Who may do what on the bus (ADR 15): the one table of the principals Runnel's clients log in as, and
 * the ACLs each gets. A platform service writes the topics it owns (and may create them) and reads
 * those it consumes, in consumer groups named after it; a service's replicas read that service's work
 * and write status reports, logs and heartbeats; users' systems write resource events. Nothing else
 * is granted, and the broker refuses what is not. {@link #apply} makes principals and grants;
 * docs/ARCHITECTURE.md §2 shows the same table.
 */
public final class BusGrants {

    public static final String BOT_SERVICE = "bot-service";
    public static final String REGISTRY_SERVICE = "registry-service";
    public static final String EXECUTION_SERVICE = "execution-service";
    public static final String TRIGGER_SERVICE = "trigger-service";
    public static final String RUNNER_OPERATOR = "runner-operator";
    /** The principal users' systems publish resource events as. */
    public static final String PRODUCER = "producer";
    /** Every principal of the platform {@link #apply} makes, the producers' included. */
    public static final List<String> PRINCIPALS = List.of(BOT_SERVICE, REGISTRY_SERVICE, EXECUTION_SERVICE,
            TRIGGER_SERVICE, RUNNER_OPERATOR, PRODUCER);

    private static final int SCRAM_ITERATIONS = 4096;

    private BusGrants() {
    }

    /** What a principal of the platform may do, and nothing more. */
    public static List<AclBinding> of(String principal) {
        Grants grants = new Grants("User:" + principal);
        switch (principal) {
            case BOT_SERVICE -> grants.owns(Topics.BOT_EVENTS);
            case REGISTRY_SERVICE -> {
                grants.owns(Topics.SERVICE_SPECS, Topics.DEAD_LETTERS);
                grants.reads(Topics.SERVICE_STATUS).groups("registry-");
            }
            case EXECUTION_SERVICE -> {
                grants.owns(Topics.EXECUTION_EVENTS, Topics.RUNNER_CONTROL, Topics.DEAD_LETTERS,
                        Topics.DEAD_LETTER_REDRIVES).ownsPrefix(Topics.WORK_PREFIX);
                // it keeps every service's dead letters for the administrator, and orders their redrives
                grants.reads(Topics.SERVICE_SPECS, Topics.EXECUTION_REQUESTS, Topics.EXECUTION_STATUS,
                        Topics.EXECUTION_LOGS, Topics.EXECUTION_EVENTS, Topics.REPLICA_HEARTBEATS, Topics.DEAD_LETTERS,
                        Topics.DEAD_LETTER_REDRIVES).groups("execution-");
            }
            case TRIGGER_SERVICE -> {
                grants.owns(Topics.RESOURCE_EVENTS, Topics.TRIGGERS, Topics.EXECUTION_REQUESTS, Topics.DEAD_LETTERS);
                grants.reads(Topics.RESOURCE_EVENTS, Topics.TRIGGERS, Topics.SERVICE_SPECS, Topics.DEAD_LETTER_REDRIVES)
                        .groups("trigger-service-");
            }
            case RUNNER_OPERATOR -> {
                grants.owns(Topics.SERVICE_STATUS, Topics.DEAD_LETTERS);
                // the topics its replicas use must be there before they start: a replica creates none
                grants.creates(Topics.RUNNER_CONTROL, Topics.EXECUTION_STATUS, Topics.EXECUTION_LOGS,
                        Topics.REPLICA_HEARTBEATS);
                grants.reads(Topics.SERVICE_SPECS, Topics.REPLICA_HEARTBEATS, Topics.DEAD_LETTER_REDRIVES)
                        .readsPrefix(Topics.WORK_PREFIX)
                        .groups("runner-operator-");
                // the backlog of each service's work: the offsets of the replicas' groups
                grants.add(ResourceType.GROUP, "runner-", PatternType.PREFIXED, AclOperation.DESCRIBE);
                // it makes and removes the principals of replicas (ReplicaLogins): SCRAM credentials and ACLs
                grants.add(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.ALTER);
                grants.add(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE);
            }
            case PRODUCER -> grants.writes(Topics.RESOURCE_EVENTS);
            default -> throw new IllegalArgumentException("no such principal of the platform: " + principal);
        }
        return grants.bindings;
    }

    /** The principal of a service's replicas. */
    public static String replicas(String serviceId) {
        return "replica-" + serviceId;
    }

    /** What a service's replicas may do: read that service's work and control records, and report. */
    public static List<AclBinding> ofReplicas(String serviceId) {
        Grants grants = new Grants("User:" + replicas(serviceId));
        grants.reads(Topics.work(serviceId), Topics.RUNNER_CONTROL);
        grants.add(ResourceType.GROUP, Topics.workGroup(serviceId), PatternType.LITERAL, AclOperation.READ);
        grants.writes(Topics.EXECUTION_STATUS, Topics.EXECUTION_LOGS, Topics.REPLICA_HEARTBEATS);
        return grants.bindings;
    }

    /** Makes (or updates) a principal's SCRAM credential, and grants it {@code acls}. */
    public static void grant(Admin admin, KafkaLogin login, List<AclBinding> acls)
            throws ExecutionException, InterruptedException, TimeoutException {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(login.username(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS), login.password())))
                .all().get(10, TimeUnit.SECONDS);
        admin.createAcls(acls).all().get(10, TimeUnit.SECONDS);
    }

    /** Removes a principal: its credential, if it has one, and every ACL that names it. */
    public static void revoke(Admin admin, String username)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(username,
                    ScramMechanism.SCRAM_SHA_256))).all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
        }
        admin.deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                "User:" + username, null, AclOperation.ANY, AclPermissionType.ANY))))
                .all().get(10, TimeUnit.SECONDS);
    }

    /** Makes every principal of the platform with its password ({@code passwords} by principal), and its grants. */
    public static void apply(Admin admin, Map<String, String> passwords)
            throws ExecutionException, InterruptedException, TimeoutException {
        for (String principal : PRINCIPALS) {
            String password = passwords.get(principal);
            if (password == null) {
                throw new IllegalArgumentException("no password for the bus principal " + principal);
            }
            grant(admin, new KafkaLogin(principal, password), of(principal));
        }
    }

    /** The ACLs of one principal, built a grant at a time. */
    private static final class Grants {

        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        /** Writes these topics, and may create them. */
        Grants owns(String... topics) {
            writes(topics);
            return creates(topics);
        }

        /** Writes, creates and grows (adds partitions to) the topics whose names start with {@code prefix}. */
        Grants ownsPrefix(String prefix) {
            for (AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE,
                    AclOperation.ALTER)) {
                add(ResourceType.TOPIC, prefix, PatternType.PREFIXED, operation);
            }
            return this;
        }

        Grants writes(String... topics) {
            return topics(Arrays.asList(topics), AclOperation.WRITE, AclOperation.DESCRIBE);
        }

        Grants creates(String... topics) {
            return topics(Arrays.asList(topics), AclOperation.CREATE, AclOperation.DESCRIBE);
        }

        Grants reads(String... topics) {
            return topics(Arrays.asList(topics), AclOperation.READ, AclOperation.DESCRIBE);
        }

        Grants readsPrefix(String prefix) {
            add(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.READ);
            return add(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE);
        }

        /** Joins (and commits in) consumer groups whose names start with {@code prefix}. */
        Grants groups(String prefix) {
            add(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.READ);
            return add(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE);
        }

        private Grants topics(List<String> topics, AclOperation... operations) {
            for (String topic : topics) {
                for (AclOperation operation : operations) {
                    add(ResourceType.TOPIC, topic, PatternType.LITERAL, operation);
                }
            }
            return this;
        }

        Grants add(ResourceType type, String name, PatternType pattern, AclOperation operation) {
            AclBinding binding = new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
            if (!bindings.contains(binding)) {
                bindings.add(binding);
            }
            return this;
        }
    }
}
