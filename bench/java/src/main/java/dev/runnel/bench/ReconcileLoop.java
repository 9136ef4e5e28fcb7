package dev.runnel.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.operator.kubernetes.KubernetesDriver;
import dev.runnel.operator.kubernetes.ReplicaDeployment;
import dev.runnel.operator.kubernetes.RunnelService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The Kubernetes driver's reconcile loop with N services (default 1,000) on Fabric8's mock API server
 * in CRUD mode: the time from asking for all of them to every Deployment written and every
 * RunnelService's status observed, against the bare API work of creating the same Deployments
 * with the same client (the baseline); then a change to one service: how long until it is applied,
 * how many writes it took, and that no other service's objects changed. Also a reconcile round
 * with nothing changed (what the operator does every 0.5 s): its time and writes.
 *
 * <p>Run: {@code java -cp bench/java/target/runnel-bench.jar dev.runnel.bench.ReconcileLoop [services]}.
 */
public final class ReconcileLoop {

    private ReconcileLoop() {
    }

    static ServiceSpec spec(int i, int version, int replicas) {
        String id = String.format("%024x", 0xB000000L + i);
        return new ServiceSpec("e" + i + "-" + version, id, "project-1", "service-" + i, version, true, "pkg", "package",
                1, CodebaseRef.blob("0".repeat(64), 10), new Module("default_module", "ServiceRunner", "main.py",
                List.of(), List.of(new Module.Function("run", null, List.of(new Module.FunctionIo("item", "Item", null,
                null)), List.of()))), JsonNodeFactory.instance.objectNode(),
                new Runtime(false, replicas, 10, null, "regular-s", null), 3, 3600, OnReset.FAILED, 600, "bot@project-1",
                Instant.parse("2026-11-25T00:00:00Z"), null);
    }

    static long await(String what, BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + 600_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen in 10 minutes");
            }
            Thread.sleep(100); // each look lists every object: looking more often would slow what it measures
        }
        return System.nanoTime() - start;
    }

    static Map<String, String> versions(List<? extends HasMetadata> items) {
        return items.stream().collect(Collectors.toMap(i -> i.getMetadata().getName(),
                i -> i.getMetadata().getResourceVersion()));
    }

    /** Held so that the mock server's request log stays quiet (it would time itself). */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            try (InputStream crd = RunnelService.class.getResourceAsStream("/META-INF/fabric8/runnelservices.runnel.dev-v1.yml")) {
                client.resource(client.apiextensions().v1().customResourceDefinitions().load(crd).item()).create();
            }
            ReplicaDeployment.Settings settings = new ReplicaDeployment.Settings("kafka:9092", "http://gateway/api/v1",
                    "runnel/runner:bench", "IfNotPresent", null, Map.of(), List.of(), 300);

            // baseline: the Deployments alone, created one by one with the same client
            List<Deployment> bare = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RunnelService owner = new RunnelService();
                owner.setMetadata(new ObjectMetaBuilder().withName(RunnelService.nameOf(spec(i, 1, 1).serviceId()))
                        .withNamespace("baseline").withUid("u" + i).build());
                owner.setSpec(KubernetesDriver.specOf(spec(i, 1, 1), 1, RunnelService.nameOf(spec(i, 1, 1).serviceId()) + "-bot"));
                bare.add(ReplicaDeployment.of(owner, settings));
            }
            long baseStart = System.nanoTime();
            for (Deployment deployment : bare) {
                client.resource(deployment).inNamespace("baseline").create();
            }
            long baseline = System.nanoTime() - baseStart;

            KubernetesDriver driver = new KubernetesDriver(client, "bench", settings);
            driver.start();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                driver.apply(spec(i, 1, 1), 1, "credential-" + i, new KafkaLogin("replica-" + i, "kafka-" + i));
            }
            await("every Deployment and status", () -> {
                List<RunnelService> services = client.resources(RunnelService.class).inNamespace("bench").list().getItems();
                return client.apps().deployments().inNamespace("bench").list().getItems().size() == n
                        && services.size() == n && services.stream().allMatch(s -> s.getStatus() != null);
            });
            long converge = System.nanoTime() - start;

            // a round with nothing changed: every service compared, nothing written
            long writesBefore = driver.writes();
            long roundStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                driver.apply(spec(i, 1, 1), 1, "credential-" + i, new KafkaLogin("replica-" + i, "kafka-" + i));
            }
            long round = System.nanoTime() - roundStart;
            long idleWrites = driver.writes() - writesBefore;

            // one service changes: only its objects move
            Map<String, String> deploymentsBefore = versions(client.apps().deployments().inNamespace("bench").list()
                    .getItems());
            Map<String, String> servicesBefore = versions(client.resources(RunnelService.class).inNamespace("bench").list()
                    .getItems());
            int changed = n / 2;
            String changedName = RunnelService.nameOf(spec(changed, 1, 1).serviceId());
            long before = driver.writes();
            long changeStart = System.nanoTime();
            driver.apply(spec(changed, 2, 3), 3, "credential-" + changed, new KafkaLogin("replica-" + changed, "kafka-" + changed));
            await("the change applied", () -> {
                Deployment d = client.apps().deployments().inNamespace("bench").withName(changedName).get();
                RunnelService s = client.resources(RunnelService.class).inNamespace("bench").withName(changedName).get();
                return d.getSpec().getReplicas() == 3 && s.getStatus() != null
                        && s.getMetadata().getGeneration().equals(s.getStatus().observedGeneration);
            });
            long change = System.nanoTime() - changeStart;
            Thread.sleep(1000); // anything else the change set off would have happened by now
            long changeWrites = driver.writes() - before;
            Map<String, String> deploymentsAfter = versions(client.apps().deployments().inNamespace("bench").list()
                    .getItems());
            Map<String, String> servicesAfter = versions(client.resources(RunnelService.class).inNamespace("bench").list()
                    .getItems());
            long othersTouched = deploymentsAfter.entrySet().stream().filter(e -> !e.getKey().equals(changedName)
                    && !e.getValue().equals(deploymentsBefore.get(e.getKey()))).count()
                    + servicesAfter.entrySet().stream().filter(e -> !e.getKey().equals(changedName)
                    && !e.getValue().equals(servicesBefore.get(e.getKey()))).count();
            driver.close();

            System.out.printf("services                                   %d%n", n);
            System.out.printf("baseline: create %d Deployments            %.2f s%n", n, baseline / 1e9);
            System.out.printf("Runnel: converge (RunnelService, Secret, Deployment, status each) %.2f s%n", converge / 1e9);
            System.out.printf("ratio converge / baseline                  %.2f%n", (double) converge / baseline);
            System.out.printf("round with nothing changed                 %.1f ms, %d writes%n", round / 1e6, idleWrites);
            System.out.printf("one service changed: applied in            %.1f ms, %d writes, %d other objects touched%n",
                    change / 1e6, changeWrites, othersTouched);
        } finally {
            server.destroy();
        }
    }
}
