package dev.runnel.operator.kubernetes;

import dev.runnel.contracts.PodType;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each {@code podType} gets. Requests equal limits (Guaranteed QoS): a replica runs user code
 * with a model in memory, and being evicted under pressure costs more than idle headroom. Local disk
 * (the codebase, temporary files, logs) is limited too, so that a function cannot fill its node's
 * disk: {@link #EPHEMERAL} without a GPU, {@link #EPHEMERAL_GPU} with one (models are large).
 */
final class PodResources {

    /** CPUs, memory, GPUs. */
    record Size(String cpu, String memory, int gpus) {
    }

    static final String GPU = "nvidia.com/gpu";
    static final String EPHEMERAL = "10Gi";
    static final String EPHEMERAL_GPU = "50Gi";

    private PodResources() {
    }

    static Size of(PodType type) {
        return switch (type) {
            case REGULAR_XS -> new Size("500m", "1Gi", 0);
            case REGULAR_S -> new Size("1", "2Gi", 0);
            case REGULAR_M -> new Size("2", "4Gi", 0);
            case REGULAR_L -> new Size("4", "8Gi", 0);
            case HIGHMEM_XS -> new Size("500m", "4Gi", 0);
            case HIGHMEM_S -> new Size("1", "8Gi", 0);
            case HIGHMEM_M -> new Size("2", "16Gi", 0);
            case HIGHMEM_L -> new Size("4", "32Gi", 0);
            case GPU_K80_S, GPU_T4 -> new Size("4", "16Gi", 1);
            case GPU_K80_M, GPU_T4_M -> new Size("8", "32Gi", 1);
            case GPU_A100_S -> new Size("8", "64Gi", 1);
            case GPU_A100_M -> new Size("16", "128Gi", 2);
        };
    }

    /** The container's requests and limits; {@code gpu} asks for at least one GPU whatever the pod type. */
    static ResourceRequirements requirements(PodType type, boolean gpu) {
        Size size = of(type);
        int gpus = gpu ? Math.max(1, size.gpus()) : size.gpus();
        Map<String, Quantity> amounts = new TreeMap<>(Map.of("cpu", new Quantity(size.cpu()),
                "memory", new Quantity(size.memory()),
                "ephemeral-storage", new Quantity(gpus > 0 ? EPHEMERAL_GPU : EPHEMERAL)));
        if (gpus > 0) {
            amounts.put(GPU, new Quantity(String.valueOf(gpus)));
        }
        return new ResourceRequirementsBuilder().withRequests(new TreeMap<>(amounts)).withLimits(amounts).build();
    }
}
