package dev.runnel.registry.service;

import dev.runnel.contracts.PodType;
import dev.runnel.contracts.Runtime;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The limits on what a project deploys: services, replicas, and replicas with a GPU. A service counts
 * toward the replica limits while it is active, with its fixed replicas or its autoscaler's maximum.
 * Checked in the transaction that writes the service, under the project's lock, so that two deploys
 * at once cannot both pass; a refused change writes nothing.
 */
@ApplicationScoped
public class ProjectQuotas {

    /**
     * The limits, the same for every project, set by the admin ({@code RUNNEL_QUOTA_SERVICES}, ...;
     * other services read other keys of {@code runnel.quota}, so this is no config mapping).
     */
    record Limits(int services, int replicas, int gpuReplicas) {
    }

    private final Limits limits;
    private final ServiceRepository services;

    public ProjectQuotas(ServiceRepository services,
                         @ConfigProperty(name = "runnel.quota.services", defaultValue = "100") int maxServices,
                         @ConfigProperty(name = "runnel.quota.replicas", defaultValue = "50") int maxReplicas,
                         @ConfigProperty(name = "runnel.quota.gpu-replicas", defaultValue = "4") int maxGpuReplicas) {
        this.limits = new Limits(maxServices, maxReplicas, maxGpuReplicas);
        this.services = services;
    }

    /** Refuses {@code next} (new or changed) when the project would go over a limit with it. */
    void check(ServiceDoc next) {
        List<ServiceDoc> others = services.lockProject(next.projectId()).stream()
                .filter(other -> !other.id().equals(next.id())).toList();
        if (others.size() + 1 > limits.services()) {
            throw Refusal.overQuota("services", "project " + next.projectId(), "services", others.size(), 1, limits.services());
        }
        long replicas = others.stream().mapToLong(ProjectQuotas::replicas).sum();
        if (replicas + replicas(next) > limits.replicas()) {
            throw Refusal.overQuota("replicas", "project " + next.projectId(), "replicas", replicas, replicas(next), limits.replicas());
        }
        long gpu = others.stream().filter(ProjectQuotas::gpu).mapToLong(ProjectQuotas::replicas).sum();
        long asked = gpu(next) ? replicas(next) : 0;
        if (asked > 0 && gpu + asked > limits.gpuReplicas()) {
            throw Refusal.overQuota("gpu-replicas", "project " + next.projectId(), "GPU replicas", gpu, asked, limits.gpuReplicas());
        }
    }

    /** The most replicas a service may run: none while stopped. */
    static long replicas(ServiceDoc service) {
        Runtime runtime = service.runtime();
        if (!service.active() || runtime == null) {
            return 0;
        }
        if (runtime.autoscaler() != null && runtime.autoscaler().maxReplicas() != null) {
            return runtime.autoscaler().maxReplicas();
        }
        return runtime.replicas() == null ? Runtime.DEFAULT_REPLICAS : runtime.replicas();
    }

    static boolean gpu(ServiceDoc service) {
        Runtime runtime = service.runtime();
        return runtime != null && (Boolean.TRUE.equals(runtime.gpu())
                || PodType.of(runtime.podType()).map(PodType::gpu).orElse(false));
    }
}
