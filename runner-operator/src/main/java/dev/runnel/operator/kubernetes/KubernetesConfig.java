package dev.runnel.operator.kubernetes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How the Kubernetes driver runs replicas ({@code runnel.operator.driver=kubernetes}). */
@ConfigMapping(prefix = "runnel.operator.kubernetes")
public interface KubernetesConfig {

    /** Where services' resources go; the client's namespace when absent. */
    Optional<String> namespace();

    /** The Lease operators elect the one that reconciles with, in the namespace. */
    @WithDefault("runnel-operator")
    String leaseName();

    /** The namespace: the configured one, else the client's, else {@code default}. */
    default String namespaceOf(io.fabric8.kubernetes.client.KubernetesClient client) {
        return namespace().orElse(java.util.Objects.requireNonNullElse(client.getNamespace(), "default"));
    }

    /** Runnel's runner image, for services that name no {@code runnerImage}. */
    @WithDefault("runnel/runner:latest")
    String runnerImage();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** The service account replicas run as (they need no Kubernetes API access). */
    Optional<String> serviceAccount();

    /** The Kafka bootstrap servers replicas use; the operator's own when absent. */
    Optional<String> kafka();

    /** Node labels a GPU replica must run on, {@code key=value,...}. */
    @WithDefault("nvidia.com/gpu.present=true")
    String gpuNodeSelector();

    /** Taints a GPU replica tolerates, {@code key[=value]:Effect,...}. */
    @WithDefault("nvidia.com/gpu:NoSchedule")
    String gpuTolerations();
}
