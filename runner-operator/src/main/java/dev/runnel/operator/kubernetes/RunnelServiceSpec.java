package dev.runnel.operator.kubernetes;

import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * What a {@link RunnelService} asks the cluster to run: the service's identity and runtime, and the
 * whole service spec the runner reads. Public fields: it is a plain data object Jackson reads and writes.
 */
public class RunnelServiceSpec {

    @Required
    public String serviceId;

    @Required
    public String projectId;

    @Required
    @PrinterColumn(name = "Service")
    public String serviceName;

    @Required
    @PrinterColumn(name = "Version")
    public Integer version;

    /** A stopped service keeps its resource with no replicas. */
    public Boolean active;

    /** The replicas wanted now: the spec's {@code replicas}, or the autoscaler's decision. */
    @Min(0)
    @PrinterColumn(name = "Desired")
    public Integer replicas;

    @Min(1)
    public Integer concurrency;

    public Boolean gpu;

    public String podType;

    /** The image replicas run; empty for the operator's runner image. */
    public String runnerImage;

    @Min(0)
    public Integer drainTime;

    public String botUserName;

    /** The Secret that holds the bot's credential, key {@code credential}. */
    public String botSecret;

    /** The service spec as published on {@code service-specs}, JSON: what the runner reads. */
    @Required
    public String serviceSpec;
}
