package dev.runnel.contracts;

import java.util.Arrays;
import java.util.Optional;

/** The machine sizes a service may ask for in {@code runtime.podType}. */
public enum PodType {
    REGULAR_XS("regular-xs", false),
    REGULAR_S("regular-s", false),
    REGULAR_M("regular-m", false),
    REGULAR_L("regular-l", false),
    HIGHMEM_XS("highmem-xs", false),
    HIGHMEM_S("highmem-s", false),
    HIGHMEM_M("highmem-m", false),
    HIGHMEM_L("highmem-l", false),
    GPU_K80_S("gpu-k80-s", true),
    GPU_K80_M("gpu-k80-m", true),
    GPU_T4("gpu-t4", true),
    GPU_T4_M("gpu-t4-m", true),
    GPU_A100_S("gpu-a100-s", true),
    GPU_A100_M("gpu-a100-m", true);

    public static final PodType DEFAULT = REGULAR_S;
    public static final PodType DEFAULT_GPU = GPU_T4;

    private final String wireName;
    private final boolean gpu;

    PodType(String wireName, boolean gpu) {
        this.wireName = wireName;
        this.gpu = gpu;
    }

    public String wireName() {
        return wireName;
    }

    public boolean gpu() {
        return gpu;
    }

    public static Optional<PodType> of(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(PodType::wireName).toList());
    }
}
