package dev.runnel.operator.kubernetes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How the Kubernetes driver runs replicas ({@code runnel.operator.driver=kubernetes}). */
@ConfigMapping(prefix = "runnel.operator.kubernetes")
public interface KubernetesConfig {

    /** Where services' resources go; the client's namespace when absent. */
    Optional<String> namespace();

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
