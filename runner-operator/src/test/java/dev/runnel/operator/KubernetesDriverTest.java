package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.kubernetes.ReplicaDeployment;
import dev.runnel.operator.kubernetes.RunnelService;
import dev.runnel.testsupport.Eventually;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes driver with the real platform (registry, execution-service, gateway, bot-service,
 * Kafka, PostgreSQL) and Fabric8's mock API server in CRUD mode standing in for a cluster: services
 * deployed through the API become RunnelServices and Deployments, and pods' states (written here, as a
 * kubelet would) become the service's status.
 */
@QuarkusTest
@TestProfile(OnKubernetes.class)
@WithTestResource(OperatorWorld.class)
@WithKubernetesTestServer(crud = true)
class KubernetesDriverTest {

    static final String NS = OnKubernetes.NS;

    @Inject
    KubernetesClient client;

    @BeforeEach
    void installTheCrd() throws Exception {
        try (InputStream crd = getClass().getResourceAsStream("/META-INF/fabric8/runnelservices.runnel.dev-v1.yml")) {
            CustomResourceDefinition definition = client.apiextensions().v1().customResourceDefinitions().load(crd).item();
            client.resource(definition).createOr(existing -> existing.update());
        }
    }

    static <T> T await(String what, Supplier<T> read, Predicate<T> done) {
        return Eventually.value(Duration.ofSeconds(30), Duration.ofMillis(100), what, read,
                last -> last != null && done.test(last));
    }

    RunnelService service(String id) {
        return client.resources(RunnelService.class).inNamespace(NS).withName(RunnelService.nameOf(id)).get();
    }

    Deployment deployment(String id) {
        return client.apps().deployments().inNamespace(NS).withName(RunnelService.nameOf(id)).get();
    }

    static Container runner(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** What a kubelet would write: a pod of the service's current template, ready or waiting for a reason. */
    Pod pod(Deployment deployment, String suffix, boolean ready, String waiting) {
        return pod(deployment, suffix, ready, waiting, null, null);
    }

    /** The same, with how its container last ended (exit code and termination message). */
    Pod pod(Deployment deployment, String suffix, boolean ready, String waiting, Integer lastExit, String lastMessage) {
        Map<String, String> labels = new HashMap<>(deployment.getSpec().getTemplate().getMetadata().getLabels());
        Pod pod = new PodBuilder().withNewMetadata().withName(deployment.getMetadata().getName() + "-" + suffix)
                .withNamespace(NS).withLabels(labels).endMetadata()
                .withNewSpec().withContainers(runner(deployment)).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(container(deployment, ready, waiting, lastExit, lastMessage))
                .endStatus().build();
        return client.resource(pod).createOr(existing -> existing.update());
    }

    static io.fabric8.kubernetes.api.model.ContainerStatus container(Deployment deployment, boolean ready, String waiting,
                                                                  Integer lastExit, String lastMessage) {
        ContainerStatusBuilder container = new ContainerStatusBuilder().withName("runner")
                .withImage(runner(deployment).getImage()).withReady(ready).withNewState().withNewWaiting()
                .withReason(waiting).withMessage(waiting == null ? null : "Back-off " + waiting).endWaiting().endState();
        if (lastExit != null) {
            container.withNewLastState().withNewTerminated().withExitCode(lastExit).withMessage(lastMessage)
                    .endTerminated().endLastState();
        }
        return container.build();
    }

    @Test
    void whatRunsForAServiceTheSpecTopicDoesNotHaveIsRemoved() throws Exception {
        // a RunnelService an operator made for a service deleted while it was down, whose tombstone
        // was compacted away before it came back: nothing on service-specs will ever name it again
        String id = "0rphan" + Long.toHexString(System.nanoTime());
        dev.runnel.contracts.ServiceSpec gone = dev.runnel.operator.kubernetes.KubernetesDriverRestartTest.spec(id, 1);
        RunnelService orphan = new RunnelService();
        orphan.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(RunnelService.nameOf(id))
                .withNamespace(NS).withLabels(ReplicaDeployment.labels(id)).build());
        orphan.setSpec(dev.runnel.operator.kubernetes.KubernetesDriver.specOf(gone, 1, RunnelService.nameOf(id) + "-bot"));
        client.resource(orphan).inNamespace(NS).create();
        // while a live service beside it keeps what it has
        Deployments.Project project = Deployments.project();
        String live = Deployments.deploy(project, null, "kube-live-" + System.nanoTime());
        await("the live service's Deployment", () -> deployment(live), d -> true);

        await("the orphan's RunnelService removed", () -> service(id) == null ? Boolean.TRUE : null, done -> done);
        await("the orphan's Deployment removed", () -> deployment(id) == null ? Boolean.TRUE : null, done -> done);
        assertThat(service(live)).isNotNull();
        assertThat(deployment(live)).isNotNull();
    }

    @Test
    void aFailedInitMakesTheServiceErrorWithItsTraceback() throws Exception {
        Deployments.Project project = Deployments.project();
        String id = Deployments.deploy(project, null, "kube-init-" + System.nanoTime());
        Deployment deployment = await("the Deployment", () -> deployment(id), d -> true);
        // the runner wrote the init error to the termination log; the kubelet restarts it with back-off
        pod(deployment, "i", false, "CrashLoopBackOff", 3,
                "{\"type\":\"RuntimeError\",\"message\":\"model missing\",\"traceback\":\"Traceback: model missing\"}");
        JsonPath error = Deployments.awaitStatus(project, id, "Error");
        assertThat(error.getString("errorInfo.reason")).isEqualTo("InitFailed");
        assertThat(error.getString("errorInfo.message")).isEqualTo("RuntimeError: model missing");
        assertThat(error.getString("errorInfo.traceback")).contains("Traceback");
    }

    @Test
    void deployScaleUpdateStopResumeAndDelete() throws Exception {
        Deployments.Project project = Deployments.project();
        String id = Deployments.deploy(project, null, "kube-" + System.nanoTime());

        RunnelService created = await("the RunnelService", () -> service(id), s -> s.getSpec() != null);
        assertThat(created.getSpec().replicas).isEqualTo(1);
        assertThat(created.getSpec().serviceSpec).contains(id);
        Deployment deployment = await("the Deployment", () -> deployment(id), d -> true);
        assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(runner(deployment).getImage()).isEqualTo("runnel/runner:test");
        assertThat(client.secrets().inNamespace(NS).withName(created.getSpec().botSecret).get().getData())
                .containsKey("credential");
        assertThat(Deployments.awaitStatus(project, id, "Initializing").getInt("readyReplicas")).isZero();

        // a pod becomes ready: the service is Active, in the API and in the resource's status
        pod(deployment, "a", true, null);
        assertThat(Deployments.awaitStatus(project, id, "Active").getInt("readyReplicas")).isEqualTo(1);
        RunnelService active = await("the resource's status", () -> service(id),
                s -> s.getStatus() != null && "Active".equals(s.getStatus().phase));
        assertThat(active.getStatus().readyReplicas).isEqualTo(1);
        assertThat(active.getStatus().observedGeneration).isEqualTo(active.getMetadata().getGeneration());
        assertThat(active.getStatus().conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });

        // scale: the Deployment follows
        project.as().contentType("application/json").body(Map.of("runtime", Map.of("replicas", 3)))
                .patch("/services/" + id).then().statusCode(200);
        Deployment scaled = await("3 replicas", () -> deployment(id), d -> d.getSpec().getReplicas() == 3);
        String version = scaled.getSpec().getTemplate().getMetadata().getLabels().get(ReplicaDeployment.VERSION_LABEL);

        // update: a new pod template, and the old version's pod no longer counts
        project.as().contentType("application/json").body(Map.of("runtime", Map.of("concurrency", 3)))
                .patch("/services/" + id).then().statusCode(200);
        Deployment updated = await("a new template", () -> deployment(id), d -> !version.equals(d.getSpec()
                .getTemplate().getMetadata().getLabels().get(ReplicaDeployment.VERSION_LABEL)));
        assertThat(runner(updated).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("RUNNEL_SPEC_JSON");
            assertThat(e.getValue()).contains("\"concurrency\":3");
        });
        Deployments.awaitStatus(project, id, "Initializing");
        pod(updated, "b", true, null);
        Deployments.awaitStatus(project, id, "Active");

        // stop and resume
        project.as().post("/services/" + id + "/stop").then().statusCode(200);
        await("no replicas", () -> deployment(id), d -> d.getSpec().getReplicas() == 0);
        Deployments.awaitStatus(project, id, "Inactive");
        project.as().post("/services/" + id + "/resume").then().statusCode(200);
        await("replicas again", () -> deployment(id), d -> d.getSpec().getReplicas() == 3);

        // delete: all of it goes
        String secret = created.getSpec().botSecret;
        project.as().delete("/services/" + id).then().statusCode(204);
        await("everything removed", () -> service(id) == null && deployment(id) == null
                && client.secrets().inNamespace(NS).withName(secret).get() == null, gone -> gone);
    }

    @Test
    void aGpuServiceGetsItsGpuAndABadImageMakesTheServiceError() throws Exception {
        Deployments.Project project = Deployments.project();
        String id = Deployments.deploy(project, null, "kube-gpu-" + System.nanoTime());
        project.as().contentType("application/json").body(Map.of("runtime", Map.of("gpu", true,
                "runnerImage", "acme/no-such-image:1"))).patch("/services/" + id).then().statusCode(200);
        Deployment deployment = await("a GPU deployment", () -> deployment(id),
                d -> "acme/no-such-image:1".equals(runner(d).getImage()));
        assertThat(runner(deployment).getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("nvidia.com/gpu.present", "true");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });

        pod(deployment, "x", false, "ImagePullBackOff");
        JsonPath error = Deployments.awaitStatus(project, id, "Error");
        assertThat(error.getString("errorInfo.reason")).isEqualTo("ImagePull");
        assertThat(error.getString("errorInfo.message")).contains("acme/no-such-image:1");
    }

    @Test
    void anAutoscaledServiceFollowsItsBacklog() throws Exception {
        Deployments.Project project = Deployments.project();
        String id = Deployments.deploy(project, null, "kube-auto-" + System.nanoTime());
        project.as().contentType("application/json").body(Map.of("runtime", Map.of("autoscaler", Map.of(
                "minReplicas", 0, "maxReplicas", 3, "queueLength", 2, "cooldownSeconds", 1))))
                .patch("/services/" + id).then().statusCode(200);
        await("scaled to zero while idle", () -> deployment(id), d -> d.getSpec().getReplicas() == 0
                && d.getSpec().getTemplate().getMetadata().getLabels().get(ReplicaDeployment.VERSION_LABEL).equals("2"));

        // five calls wait in the work topic (no pod runs here): ceil(5 / 2) = 3 replicas, the max
        for (int i = 0; i < 5; i++) {
            project.as().contentType("application/json")
                    .body(Map.of("functionName", "run", "input", Map.of("item", "i-" + i)))
                    .post("/executions/" + id).then().statusCode(201);
        }
        await("scaled up to the backlog", () -> deployment(id), d -> d.getSpec().getReplicas() == 3);
        assertThat(service(id).getSpec().replicas).isEqualTo(3);
    }
}
