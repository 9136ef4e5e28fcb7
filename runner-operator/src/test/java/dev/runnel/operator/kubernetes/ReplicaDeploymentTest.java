package dev.runnel.operator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Deployment a RunnelService becomes, and the status its pods amount to. */
class ReplicaDeploymentTest {

    static final ReplicaDeployment.Settings SETTINGS = new ReplicaDeployment.Settings("kafka:9092",
            "http://gateway/api/v1", "runnel/runner:1", "IfNotPresent", "runnel-runner",
            ReplicaDeployment.selector("nvidia.com/gpu.present=true,pool=gpu"),
            ReplicaDeployment.tolerations("nvidia.com/gpu:NoSchedule,dedicated=ml:NoExecute"), 300);

    static RunnelService service(String podType, Boolean gpu, String image) {
        RunnelServiceSpec spec = new RunnelServiceSpec();
        spec.serviceId = "0123456789abcdef01234567";
        spec.projectId = "p";
        spec.serviceName = "detector";
        spec.version = 4;
        spec.active = true;
        spec.replicas = 3;
        spec.concurrency = 10;
        spec.podType = podType;
        spec.gpu = gpu;
        spec.runnerImage = image;
        spec.drainTime = 120;
        spec.botSecret = "runnel-0123456789abcdef01234567-bot";
        spec.serviceSpec = "{\"serviceId\":\"0123456789abcdef01234567\"}";
        RunnelService service = new RunnelService();
        service.setMetadata(new ObjectMetaBuilder().withName(RunnelService.nameOf(spec.serviceId)).withNamespace("ns")
                .withUid("uid-1").withGeneration(2L).build());
        service.setSpec(spec);
        return service;
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElse(null);
    }

    @Test
    void aServiceBecomesADeploymentItOwns() {
        Deployment deployment = ReplicaDeployment.of(service("regular-m", false, null), SETTINGS);
        assertThat(deployment.getMetadata().getName()).isEqualTo("runnel-0123456789abcdef01234567");
        assertThat(deployment.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("RunnelService");
            assertThat(owner.getUid()).isEqualTo("uid-1");
            assertThat(owner.getController()).isTrue();
        });
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("runnel.dev/service", "0123456789abcdef01234567").containsEntry("runnel.dev/version", "4");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(130L);
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("runnel-runner");
        assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
        Container runner = container(deployment);
        assertThat(runner.getImage()).isEqualTo("runnel/runner:1");
        assertThat(env(runner, "RUNNEL_SPEC_JSON")).contains("0123456789abcdef01234567");
        assertThat(env(runner, "RUNNEL_KAFKA")).isEqualTo("kafka:9092");
        assertThat(env(runner, "RUNNEL_API")).isEqualTo("http://gateway/api/v1");
        EnvVar credential = runner.getEnv().stream().filter(e -> e.getName().equals("RUNNEL_BOT_CREDENTIAL"))
                .findFirst().orElseThrow();
        assertThat(credential.getValue()).isNull();
        assertThat(credential.getValueFrom().getSecretKeyRef().getName()).isEqualTo("runnel-0123456789abcdef01234567-bot");
        assertThat(env(runner, "RUNNEL_KAFKA_USERNAME")).isEqualTo("replica-0123456789abcdef01234567");
        EnvVar kafkaPassword = runner.getEnv().stream().filter(e -> e.getName().equals("RUNNEL_KAFKA_PASSWORD"))
                .findFirst().orElseThrow();
        assertThat(kafkaPassword.getValue()).isNull();
        assertThat(kafkaPassword.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("kafka-password");
        assertThat(runner.getReadinessProbe().getExec().getCommand()).containsExactly("test", "-f",
                env(runner, "RUNNEL_READY_FILE"));
        assertThat(runner.getResources().getLimits()).containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("4Gi")).doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void aReplicaRunsHardened() {
        Deployment deployment = ReplicaDeployment.of(service("regular-s", false, "acme/own:1"), SETTINGS);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).as("no Kubernetes API token in user code").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container runner = container(deployment);
        var context = runner.getSecurityContext();
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getPrivileged()).isFalse();
        assertThat(context.getReadOnlyRootFilesystem()).isTrue();
        assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
        // the only writable places are the work and temporary volumes, and local disk is limited
        assertThat(runner.getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactlyInAnyOrder("/var/run/runnel", "/tmp");
        assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
        assertThat(env(runner, "HOME")).isEqualTo("/tmp");
        assertThat(runner.getResources().getLimits()).containsEntry("ephemeral-storage", new Quantity("10Gi"));
        assertThat(container(ReplicaDeployment.of(service(null, true, null), SETTINGS)).getResources().getLimits())
                .containsEntry("ephemeral-storage", new Quantity("50Gi"));
    }

    @Test
    void anImageThatRunsAsRootIsAnErrorThatSaysSo() {
        RunnelService service = service(null, false, "acme/root:1");
        Pod refused = pod("a", 4, false, "CreateContainerConfigError", null, null);
        refused.getStatus().getContainerStatuses().get(0).getState().getWaiting()
                .setMessage("container has runAsNonRoot and image will run as root (pod: \"a\", container: runner)");
        RunnelServiceStatus status = ReplicaDeployment.status(service, List.of(refused));
        assertThat(status.phase).isEqualTo("Error");
        assertThat(status.reason).isEqualTo("RunsAsRoot");
        assertThat(status.message).contains("acme/missing:1").contains("runs as root").contains("USER");
        assertThat(status.detail).contains("runAsNonRoot");
    }

    @Test
    void aGpuServiceGetsItsGpuNodeSelectorAndTolerations() {
        Deployment deployment = ReplicaDeployment.of(service(null, true, "acme/detector:2"), SETTINGS);
        assertThat(container(deployment).getImage()).isEqualTo("acme/detector:2");
        assertThat(container(deployment).getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true").containsEntry("pool", "gpu");
        assertThat(pod.getTolerations()).hasSize(2);
        assertThat(pod.getTolerations().get(0).getOperator()).isEqualTo("Exists");
        assertThat(pod.getTolerations().get(1).getValue()).isEqualTo("ml");
        assertThat(pod.getTolerations().get(1).getEffect()).isEqualTo("NoExecute");

        Deployment a100 = ReplicaDeployment.of(service("gpu-a100-m", null, null), SETTINGS);
        assertThat(container(a100).getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2"));
    }

    @Test
    void onlyAChangeMakesADifferentDeployment() {
        RunnelService service = service("regular-s", false, null);
        Deployment first = ReplicaDeployment.of(service, SETTINGS);
        assertThat(ReplicaDeployment.upToDate(first, ReplicaDeployment.of(service, SETTINGS))).isTrue();
        service.getSpec().replicas = 4;
        assertThat(ReplicaDeployment.upToDate(first, ReplicaDeployment.of(service, SETTINGS))).isFalse();
        service.getSpec().replicas = 3;
        service.getSpec().active = false;
        Deployment stopped = ReplicaDeployment.of(service, SETTINGS);
        assertThat(stopped.getSpec().getReplicas()).isZero();
        assertThat(ReplicaDeployment.upToDate(first, stopped)).isFalse();
    }

    static Pod pod(String name, int version, boolean ready, String waiting, Integer lastExit, String lastMessage) {
        ContainerStatusBuilder container = new ContainerStatusBuilder().withName("runner").withImage("acme/missing:1")
                .withNewState().withNewWaiting().withReason(waiting)
                .withMessage(waiting == null ? null : "back-off " + waiting).endWaiting().endState();
        if (lastExit != null) {
            container.withNewLastState().withNewTerminated().withExitCode(lastExit).withMessage(lastMessage)
                    .endTerminated().endLastState();
        }
        return new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of("runnel.dev/service",
                "0123456789abcdef01234567", "runnel.dev/version", String.valueOf(version))).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(container.build()).endStatus().build();
    }

    @Test
    void theStatusSaysWhatThePodsSay() {
        RunnelService service = service(null, false, null);
        RunnelServiceStatus starting = ReplicaDeployment.status(service, List.of(pod("a", 4, false, "ContainerCreating",
                null, null)));
        assertThat(starting.phase).isEqualTo("Initializing");
        assertThat(starting.observedGeneration).isEqualTo(2L);

        RunnelServiceStatus ready = ReplicaDeployment.status(service, List.of(pod("a", 4, true, null, null, null),
                pod("old", 3, true, null, null, null)));
        assertThat(ready.phase).isEqualTo("Active");
        assertThat(ready.readyReplicas).as("a pod of an older version does not count").isEqualTo(1);
        assertThat(ready.conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });

        RunnelServiceStatus pull = ReplicaDeployment.status(service, List.of(pod("a", 4, false, "ImagePullBackOff",
                null, null)));
        assertThat(pull.phase).isEqualTo("Error");
        assertThat(pull.reason).isEqualTo("ImagePull");
        assertThat(pull.message).contains("acme/missing:1");
        assertThat(pull.conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Error");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("ImagePull");
        });

        RunnelServiceStatus init = ReplicaDeployment.status(service, List.of(pod("a", 4, false, "CrashLoopBackOff", 3,
                "{\"type\":\"RuntimeError\",\"message\":\"model missing\",\"traceback\":\"Traceback...\"}")));
        assertThat(init.reason).isEqualTo("InitFailed");
        assertThat(init.message).isEqualTo("RuntimeError: model missing");
        assertThat(init.detail).isEqualTo("Traceback...");

        RunnelServiceStatus crash = ReplicaDeployment.status(service, List.of(pod("a", 4, false, "CrashLoopBackOff", 137,
                null)));
        assertThat(crash.reason).isEqualTo("CrashLoop");
        assertThat(crash.message).contains("137");

        service.getSpec().active = false;
        assertThat(ReplicaDeployment.status(service, List.of()).phase).isEqualTo("Inactive");
    }

    @Test
    void aStatusIsWrittenAgainOnlyWhenItChanged() {
        RunnelService service = service(null, false, null);
        RunnelServiceStatus first = ReplicaDeployment.status(service, List.of(pod("a", 4, true, null, null, null)));
        service.setStatus(first);
        RunnelServiceStatus again = ReplicaDeployment.status(service, List.of(pod("a", 4, true, null, null, null)));
        assertThat(ReplicaDeployment.sameStatus(first, again)).isTrue();
        RunnelServiceStatus fewer = ReplicaDeployment.status(service, List.of(pod("a", 4, false, null, null, null)));
        assertThat(ReplicaDeployment.sameStatus(first, fewer)).isFalse();
    }
}
