package dev.runnel.operator.kubernetes;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One Runnel service in a cluster: the operator writes it from {@code service-specs} (with the
 * replicas the autoscaler wants) and reconciles it into a Deployment it owns; its status says what
 * the cluster runs. {@code kubectl get runnelservices} shows service, version, replicas and phase.
 */
@Group(RunnelService.GROUP)
@Version(RunnelService.VERSION)
@Kind("RunnelService")
@Plural("runnelservices")
@ShortNames("rsvc")
public class RunnelService extends CustomResource<RunnelServiceSpec, RunnelServiceStatus> implements Namespaced {

    public static final String GROUP = "runnel.dev";
    public static final String VERSION = "v1alpha1";

    /** The name of a service's resources: its id is 24 hex digits, so this is a valid DNS label. */
    public static String nameOf(String serviceId) {
        return "runnel-" + serviceId;
    }
}
