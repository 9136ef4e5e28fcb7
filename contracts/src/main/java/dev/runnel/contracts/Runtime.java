package dev.runnel.contracts;

/**
 * How a service runs: GPU, fixed replicas or an autoscaler, concurrent executions per replica,
 * image and pod type. Fields are boxed so that a request may leave any of them out; a published
 * {@link ServiceSpec} always carries them all.
 */
public record Runtime(
        Boolean gpu,
        Integer replicas,
        Integer concurrency,
        String runnerImage,
        String podType,
        Autoscaler autoscaler) {

    public static final int DEFAULT_REPLICAS = 1;
    public static final int DEFAULT_CONCURRENCY = 10;

    /** Scales replicas with queued plus in-flight work. */
    public record Autoscaler(Integer minReplicas, Integer maxReplicas, Integer queueLength, Integer cooldownSeconds) {
    }
}
