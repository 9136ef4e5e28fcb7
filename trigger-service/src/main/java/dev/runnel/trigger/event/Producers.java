package dev.runnel.trigger.event;

import dev.runnel.contracts.Topics;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The principal users' systems publish resource events as (ADR 15): it may write
 * {@code resource-events}, and nothing else: no other topic, no reads, no groups.
 */
final class Producers {

    private Producers() {
    }

    /** Makes (or updates) the producers' principal with its password, and its one grant. */
    static void grant(Admin admin, String username, String password)
            throws ExecutionException, InterruptedException, TimeoutException {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(username,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password))).all().get(10, TimeUnit.SECONDS);
        admin.createAcls(acls(username)).all().get(10, TimeUnit.SECONDS);
    }

    static List<AclBinding> acls(String username) {
        ResourcePattern events = new ResourcePattern(ResourceType.TOPIC, Topics.RESOURCE_EVENTS, PatternType.LITERAL);
        return List.of(AclOperation.WRITE, AclOperation.DESCRIBE).stream().map(operation -> new AclBinding(events,
                new AccessControlEntry("User:" + username, "*", operation, AclPermissionType.ALLOW))).toList();
    }
}
