package dev.runnel.operator.kubernetes;

import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cluster runs of a {@link RunnelService}: conditions {@code Ready} (a replica of the current
 * version is ready) and {@code Error} (why it cannot run: image pull, crash loop, failed init).
 */
public class RunnelServiceStatus {

    public Long observedGeneration;

    @PrinterColumn(name = "Phase")
    public String phase;

    public Integer replicas;

    @PrinterColumn(name = "Ready")
    public Integer readyReplicas;

    /** The error's reason (ImagePull, CrashLoop, InitFailed, BotRefused), when there is one. */
    @PrinterColumn(name = "Reason")
    public String reason;

    public String message;

    /** An init failure's traceback. */
    public String detail;

    public List<Condition> conditions = new ArrayList<>();
}
