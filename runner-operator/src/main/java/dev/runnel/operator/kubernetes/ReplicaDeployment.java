package dev.runnel.operator.kubernetes;

import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.PodType;
import dev.runnel.operator.replica.ReplicaLogins;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import dev.runnel.contracts.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Deployment a {@link RunnelService} becomes, and the status its pods amount to. Pure functions of
 * their inputs, so that what the cluster gets is tested without one.
 */
public final class ReplicaDeployment {

    public static final String SERVICE_LABEL = "runnel.dev/service";
    public static final String VERSION_LABEL = "runnel.dev/version";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "runnel-operator";
    /** A digest of what the operator wrote: the Deployment is written again only when it changes. */
    public static final String APPLIED = "runnel.dev/applied";
    public static final String CONTAINER = "runner";
    /** The keys of the service's Secret: the bot's credential, and the replicas' Kafka password. */
    public static final String CREDENTIAL_KEY = "credential";
    public static final String KAFKA_PASSWORD_KEY = "kafka-password";
    static final String STATE_DIR = "/var/run/runnel";
    static final String TMP_DIR = "/tmp";
    private static final Set<String> PULL_ERRORS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");

    /** What the runner needs from the deployment: where Kafka and the API are, how often to check its bot. */
    public record Settings(String kafka, String api, String defaultImage, String pullPolicy, String serviceAccount,
                           Map<String, String> gpuNodeSelector, List<Toleration> gpuTolerations, long botCheckSeconds) {
    }

    private ReplicaDeployment() {
    }

    public static OwnerReference ownedBy(RunnelService service) {
        return new OwnerReferenceBuilder().withApiVersion(service.getApiVersion()).withKind(service.getKind())
                .withName(service.getMetadata().getName()).withUid(service.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    public static Map<String, String> labels(String serviceId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "runnel-replica");
        labels.put(MANAGED_BY, OPERATOR);
        labels.put(SERVICE_LABEL, serviceId);
        return labels;
    }

    public static Deployment of(RunnelService service, Settings settings) {
        RunnelServiceSpec spec = service.getSpec();
        PodType type = PodType.of(spec.podType).orElse(Boolean.TRUE.equals(spec.gpu) ? PodType.DEFAULT_GPU
                : PodType.DEFAULT);
        boolean gpu = Boolean.TRUE.equals(spec.gpu) || type.gpu();
        Map<String, String> podLabels = labels(spec.serviceId);
        podLabels.put(VERSION_LABEL, String.valueOf(spec.version));
        List<EnvVar> env = new ArrayList<>(List.of(
                env("RUNNEL_SPEC_JSON", spec.serviceSpec),
                env("RUNNEL_SPEC_FILE", STATE_DIR + "/spec.json"),
                env("RUNNEL_KAFKA", settings.kafka()),
                env("RUNNEL_API", settings.api()),
                env("RUNNEL_WORK_DIR", STATE_DIR + "/work"),
                env("RUNNEL_READY_FILE", STATE_DIR + "/ready"),
                env("RUNNEL_TERMINATION_LOG", "/dev/termination-log"),
                env("RUNNEL_BOT_CHECK_SECONDS", String.valueOf(settings.botCheckSeconds())),
                // the root filesystem is read-only: whatever the function writes goes to the temporary volume
                env("HOME", TMP_DIR),
                env("TMPDIR", TMP_DIR),
                new EnvVarBuilder().withName("RUNNEL_REPLICA_ID").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("RUNNEL_BOT_CREDENTIAL").withNewValueFrom().withNewSecretKeyRef()
                        .withName(spec.botSecret).withKey(CREDENTIAL_KEY).endSecretKeyRef().endValueFrom().build(),
                env(KafkaLogin.USERNAME_VARIABLE, ReplicaLogins.username(spec.serviceId)),
                new EnvVarBuilder().withName(KafkaLogin.PASSWORD_VARIABLE).withNewValueFrom().withNewSecretKeyRef()
                        .withName(spec.botSecret).withKey(KAFKA_PASSWORD_KEY).endSecretKeyRef().endValueFrom().build()));
        String image = spec.runnerImage == null || spec.runnerImage.isBlank() ? settings.defaultImage()
                : spec.runnerImage;
        int replicas = Boolean.FALSE.equals(spec.active) ? 0 : spec.replicas == null ? 1 : spec.replicas;
        int drain = spec.drainTime == null ? 600 : spec.drainTime;
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName(service.getMetadata().getName())
                .withNamespace(service.getMetadata().getNamespace()).withLabels(labels(spec.serviceId))
                .withOwnerReferences(ownedBy(service)).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().withMatchLabels(Map.of(SERVICE_LABEL, spec.serviceId)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec()
                .withServiceAccountName(settings.serviceAccount())
                // user code runs here: no API token, no root, no privilege, the runtime's default syscall filter
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext().withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                // the runner stops taking work on SIGTERM and lets calls finish within drainTime;
                // 10 more seconds let it report how they ended
                .withTerminationGracePeriodSeconds((long) drain + 10)
                .withNodeSelector(gpu ? settings.gpuNodeSelector() : null)
                .withTolerations(gpu ? settings.gpuTolerations() : null)
                .addNewContainer().withName(CONTAINER).withImage(image).withImagePullPolicy(settings.pullPolicy())
                .withEnv(env)
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withPrivileged(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .withResources(PodResources.requirements(type, gpu))
                .withNewReadinessProbe().withNewExec().withCommand("test", "-f", STATE_DIR + "/ready").endExec()
                .withPeriodSeconds(2).withFailureThreshold(1).endReadinessProbe()
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .addNewVolumeMount().withName("state").withMountPath(STATE_DIR).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath(TMP_DIR).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec().build();
        deployment.getMetadata().setAnnotations(Map.of(APPLIED, digest(deployment.getSpec())));
        return deployment;
    }

    /** Whether the Deployment in the cluster is the one the operator would write now. */
    public static boolean upToDate(Deployment existing, Deployment wanted) {
        return existing != null && existing.getMetadata().getAnnotations() != null
                && Objects.equals(existing.getMetadata().getAnnotations().get(APPLIED),
                wanted.getMetadata().getAnnotations().get(APPLIED));
    }

    /** The status a service's pods amount to; {@code generation} is the resource's. */
    public static RunnelServiceStatus status(RunnelService service, List<Pod> pods) {
        RunnelServiceSpec spec = service.getSpec();
        String version = String.valueOf(spec.version);
        List<Pod> current = pods.stream().filter(p -> p.getMetadata().getLabels() != null
                && version.equals(p.getMetadata().getLabels().get(VERSION_LABEL))
                && p.getMetadata().getDeletionTimestamp() == null).toList();
        int ready = (int) current.stream().filter(ReplicaDeployment::ready).count();
        String[] error = null;
        for (Pod pod : current) {
            error = error(pod);
            if (error != null) {
                break;
            }
        }
        boolean active = !Boolean.FALSE.equals(spec.active);
        int wanted = active && spec.replicas != null ? spec.replicas : 0;
        RunnelServiceStatus status = new RunnelServiceStatus();
        status.observedGeneration = service.getMetadata().getGeneration();
        status.replicas = current.size();
        status.readyReplicas = ready;
        status.phase = !active ? "Inactive" : ready > 0 || wanted == 0 ? "Active" : error != null ? "Error"
                : "Initializing";
        if (error != null && ready == 0) {
            status.reason = error[0];
            status.message = error[1];
            status.detail = error[2];
        }
        RunnelServiceStatus before = service.getStatus();
        status.conditions = List.of(
                condition(before, "Ready", ready > 0, ready > 0 ? "ReplicaReady" : "NoReplicaReady",
                        ready + " of " + wanted + " replicas ready", status.observedGeneration),
                condition(before, "Error", status.reason != null, status.reason != null ? status.reason : "NoError",
                        status.message != null ? status.message : "", status.observedGeneration));
        return status;
    }

    /** The same status, but for the conditions' transition times, which only change with the conditions. */
    public static boolean sameStatus(RunnelServiceStatus a, RunnelServiceStatus b) {
        return a != null && b != null && Json.mapper().valueToTree(a).equals(Json.mapper().valueToTree(b));
    }

    private static Condition condition(RunnelServiceStatus before, String type, boolean on, String reason,
                                       String message, Long generation) {
        String value = on ? "True" : "False";
        String since = before == null || before.conditions == null ? null : before.conditions.stream()
                .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .findFirst().orElse(null);
        return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since != null ? since
                        : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).build();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Why a pod cannot run, as {reason, message, detail}, or null. */
    static String[] error(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
            var state = container.getState();
            if (state != null && state.getWaiting() != null && state.getWaiting().getReason() != null) {
                String reason = state.getWaiting().getReason();
                String message = Objects.toString(state.getWaiting().getMessage(), reason);
                if (PULL_ERRORS.contains(reason)) {
                    return new String[]{"ImagePull", "cannot pull " + container.getImage() + ": " + message, null};
                }
                if ("CreateContainerConfigError".equals(reason) && message.contains("runAsNonRoot")) {
                    return new String[]{"RunsAsRoot", "the image " + container.getImage() + " runs as root, and"
                            + " replicas may not: give it a numeric USER that is not 0 (the runner image's is 10001)",
                            message};
                }
                if ("CreateContainerConfigError".equals(reason)) {
                    return new String[]{"ContainerConfig", message, null};
                }
                if ("CrashLoopBackOff".equals(reason)) {
                    ContainerStateTerminated last = container.getLastState() == null ? null
                            : container.getLastState().getTerminated();
                    String[] exit = exited(last);
                    return exit != null ? exit : new String[]{"CrashLoop", "replicas keep exiting", null};
                }
            }
            if (state != null && state.getTerminated() != null) {
                String[] exit = exited(state.getTerminated());
                if (exit != null && !"CrashLoop".equals(exit[0])) {
                    return exit;
                }
            }
        }
        return null;
    }

    /** Exit codes of the replica protocol (ADR 0006): 3 a failed {@code __init__}, 4 a refused bot. */
    private static String[] exited(ContainerStateTerminated terminated) {
        if (terminated == null) {
            return null;
        }
        int code = terminated.getExitCode() == null ? -1 : terminated.getExitCode();
        String words = terminated.getMessage();
        if (code == 3) {
            JsonNode error = parse(words);
            return new String[]{"InitFailed", error.path("type").asText("Error") + ": "
                    + error.path("message").asText(String.valueOf(words)), error.path("traceback").asText(null)};
        }
        if (code == 4) {
            return new String[]{"BotRefused", String.valueOf(words), null};
        }
        return new String[]{"CrashLoop", "replicas keep exiting (last exit code " + code + ")"
                + (words == null || words.isBlank() ? "" : ": " + words.strip()), null};
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text == null ? "{}" : text);
        } catch (Exception e) {
            return Json.mapper().createObjectNode().put("message", text);
        }
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static String digest(Object value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Serialization.asJson(value)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code key=value,...} as a map. */
    public static Map<String, String> selector(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.strip().split("=", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return out;
    }

    /** {@code key[=value]:Effect,...} as tolerations. */
    public static List<Toleration> tolerations(String text) {
        List<Toleration> out = new ArrayList<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] keyAndEffect = item.strip().split(":", 2);
            String[] kv = keyAndEffect[0].split("=", 2);
            TolerationBuilder toleration = new TolerationBuilder().withKey(kv[0])
                    .withOperator(kv.length > 1 ? "Equal" : "Exists").withValue(kv.length > 1 ? kv[1] : null);
            if (keyAndEffect.length > 1) {
                toleration.withEffect(keyAndEffect[1]);
            }
            out.add(toleration.build());
        }
        return out;
    }
}
