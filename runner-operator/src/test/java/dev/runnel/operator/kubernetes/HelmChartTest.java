package dev.runnel.operator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.runnel.contracts.BusGrants;
import dev.runnel.contracts.BusSetup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/runnel, linted and rendered by Helm's own code (offline), every manifest read as a typed
 * Fabric8 object and applied to the mock API server in CRUD mode.
 */
@EnableKubernetesMockClient(crud = true)
class HelmChartTest {

    static KubernetesClient client;

    static final String[] SERVICES = {"gateway", "registry", "bot", "execution", "trigger", "operator"};

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("deploy/helm/runnel"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    static Helm chart() {
        return new Helm(root().resolve("deploy/helm/runnel"));
    }

    static List<HasMetadata> render(String valuesFile, Map<String, Object> set) {
        var template = chart().template().withName("runnel").withNamespace("faas");
        if (valuesFile != null) {
            template.withValuesFile(Path.of("src/test/resources/helm").resolve(valuesFile).toAbsolutePath());
        }
        set.forEach(template::set);
        String yaml = template.call();
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> items, Class<T> type, String name) {
        return items.stream().filter(type::isInstance).map(type::cast).filter(i -> i.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void theChartLintsStrictly() {
        LintResult lint = chart().lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultValuesRenderEveryServiceAsTypedObjectsThatApply() {
        List<HasMetadata> items = render(null, Map.of());
        assertThat(items).noneMatch(GenericKubernetesResource.class::isInstance);
        assertThat(items).as("no credential is rendered: Secrets are the user's").noneMatch(Secret.class::isInstance);
        Set<String> principals = new HashSet<>();
        for (String service : SERVICES) {
            Deployment deployment = one(items, Deployment.class, "runnel-" + service);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).startsWith("runnel/").endsWith(":0.1.0");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getEnvFrom()).singleElement()
                    .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("runnel-config"));
            if (!service.equals("gateway")) {
                String principal = env(container).get("RUNNEL_KAFKA_USERNAME").getValue();
                assertThat(BusGrants.PRINCIPALS).as(service + " logs in to Kafka as its own principal")
                        .contains(principal);
                assertThat(principals.add(principal)).as("no two services share " + principal).isTrue();
                SecretKeySelector password = env(container).get("RUNNEL_KAFKA_PASSWORD").getValueFrom()
                        .getSecretKeyRef();
                assertThat(password.getName()).isEqualTo("runnel-kafka");
                assertThat(password.getKey()).as("the password of its principal").isEqualTo(principal);
            }
            assertThat(one(items, Service.class, "runnel-" + service).getSpec().getPorts().get(0).getPort())
                    .isEqualTo(container.getPorts().get(0).getContainerPort());
        }
        ConfigMap config = one(items, ConfigMap.class, "runnel-config");
        assertThat(config.getData()).doesNotContainKey("RUNNEL_KAFKA_USERNAME")
                .containsEntry("RUNNEL_KAFKA", "kafka:9092")
                .containsEntry("RUNNEL_JWKS_URL", "http://runnel-bot:8082/api/v1/.well-known/jwks.json")
                .containsEntry("RUNNEL_API", "http://runnel-gateway:8080/api/v1")
                .containsEntry("RUNNEL_QUOTA_SERVICES", "100").containsEntry("RUNNEL_QUOTA_GPU_REPLICAS", "4")
                .containsEntry("RUNNEL_QUOTA_CONCURRENT_EXECUTIONS", "100000");
        Map<String, EnvVar> bot = env(one(items, Deployment.class, "runnel-bot").getSpec().getTemplate().getSpec()
                .getContainers().get(0));
        assertThat(bot.get("RUNNEL_BOT_ADMIN_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("runnel-auth");
        assertThat(bot.get("RUNNEL_BOT_SIGNING_KEY").getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        assertThat(bot.get("RUNNEL_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("runnel-postgresql");

        Deployment operator = one(items, Deployment.class, "runnel-operator");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
        assertThat(operator.getSpec().getStrategy()).as("operators elect one: an upgrade may overlap them").isNull();
        assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("runnel-operator");
        Map<String, EnvVar> operatorEnv = env(operator.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(operatorEnv.get("RUNNEL_OPERATOR_DRIVER").getValue()).isEqualTo("kubernetes");
        assertThat(operatorEnv.get("RUNNEL_OPERATOR_KUBERNETES_RUNNER_IMAGE").getValue()).isEqualTo("runnel/runner:0.1.0");
        assertThat(operatorEnv.get("RUNNEL_OPERATOR_KUBERNETES_GPU_TOLERATIONS").getValue())
                .isEqualTo("nvidia.com/gpu:NoSchedule");
        assertThat(ReplicaDeployment.tolerations(operatorEnv.get("RUNNEL_OPERATOR_KUBERNETES_GPU_TOLERATIONS").getValue()))
                .singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));

        // least privilege: what the driver uses, in its namespace, and no list or watch of Secrets
        Role role = one(items, Role.class, "runnel-operator");
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
        });
        assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("secrets")).singleElement()
                .satisfies(r -> assertThat(r.getVerbs()).doesNotContain("list", "watch"));
        assertThat(one(items, ServiceAccount.class, "runnel-runner").getAutomountServiceAccountToken()).isFalse();
        assertThat(items).noneMatch(Ingress.class::isInstance);

        for (HasMetadata item : items) {
            client.resource(item).inNamespace("faas").create();
        }
        assertThat(client.apps().deployments().inNamespace("faas").list().getItems()).hasSize(SERVICES.length);
    }

    /**
     * The chart's hooks, rendered: Helm's library leaves hooks out of what it renders, so they are
     * rendered from a copy of the chart whose hook annotations are taken off.
     */
    static List<HasMetadata> renderHooks(Map<String, Object> set) throws Exception {
        Path copy = Files.createTempDirectory("runnel-chart-");
        Path chart = root().resolve("deploy/helm/runnel");
        try (var files = Files.walk(chart)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(chart.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(file).replaceAll("(?m)^\\s*helm\\.sh/hook.*\\n", ""));
                }
            }
        }
        var template = new Helm(copy).template().withName("runnel").withNamespace("faas");
        set.forEach(template::set);
        String yaml = template.call();
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    @Test
    void aJobMakesEveryPrincipalOnTheBusBeforeEachInstallAndUpgrade() throws Exception {
        assertThat(Files.readString(root().resolve("deploy/helm/runnel/templates/bus-setup.yaml")))
                .contains("helm.sh/hook: pre-install,pre-upgrade");
        Job setup = one(renderHooks(Map.of()), Job.class, "runnel-bus-setup");
        Container container = setup.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsSubsequence("dev.runnel.contracts.BusSetup");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        Map<String, EnvVar> setupEnv = env(container);
        assertThat(setupEnv.get("RUNNEL_KAFKA").getValue()).isEqualTo("kafka:9092");
        assertThat(setupEnv.get("RUNNEL_KAFKA_USERNAME").getValue()).isEqualTo("runnel");
        assertThat(setupEnv.get("RUNNEL_KAFKA_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("admin");
        for (String principal : BusGrants.PRINCIPALS) {
            assertThat(setupEnv.get(BusSetup.passwordVariable(principal)).getValueFrom().getSecretKeyRef().getKey())
                    .as("the bus-setup Job gives " + principal + " its password").isEqualTo(principal);
        }
        assertThat(renderHooks(Map.of("kafka.setup", false))).as("kafka.setup=false: your administrator makes them")
                .noneMatch(Job.class::isInstance);
    }

    @Test
    void theReadmesKafkaSecretHoldsAPasswordForEveryPrincipalAndTheAdministrator() throws Exception {
        String readme = Files.readString(root().resolve("README.md"));
        int command = readme.indexOf("create secret generic runnel-kafka");
        assertThat(command).as("the README makes the Kafka Secret").isPositive();
        String secret = readme.substring(command, readme.indexOf("\n", readme.indexOf("done)", command)));
        assertThat(secret).contains("--from-literal=admin=");
        for (String principal : BusGrants.PRINCIPALS) {
            assertThat(secret).as("a password for " + principal).containsPattern("for p in [^;]*\\b" + principal + "\\b");
        }
    }

    @Test
    void networkPoliciesFenceReplicasAndThePlatformByDefault() {
        List<HasMetadata> items = render(null, Map.of());
        NetworkPolicy replicas = one(items, NetworkPolicy.class, "runnel-replicas");
        Deployment replica = ReplicaDeployment.of(ReplicaDeploymentTest.service(null, false, null),
                ReplicaDeploymentTest.SETTINGS);
        assertThat(replica.getSpec().getTemplate().getMetadata().getLabels())
                .as("the policy selects the operator's replicas").containsAllEntriesOf(
                        replicas.getSpec().getPodSelector().getMatchLabels());
        assertThat(replicas.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(replicas.getSpec().getIngress()).isEmpty();
        // egress: Kafka, the gateway, DNS; nothing to PostgreSQL, the other services or 169.254.169.254
        assertThat(replicas.getSpec().getEgress()).hasSize(3);
        assertThat(replicas.getSpec().getEgress()).flatExtracting(rule -> rule.getPorts())
                .extracting(port -> port.getPort().getIntVal())
                .containsExactlyInAnyOrder(9092, 8080, 53, 53).doesNotContain(5432, 8081, 8082, 8083, 8084, 8085);
        assertThat(replicas.getSpec().getEgress()).flatExtracting(rule -> rule.getTo())
                .allSatisfy(peer -> assertThat(peer.getIpBlock()).isNull());
        assertThat(replicas.getSpec().getEgress().get(1).getTo().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "gateway");

        for (String service : new String[] {"registry", "bot", "execution", "trigger", "operator"}) {
            NetworkPolicy policy = one(items, NetworkPolicy.class, "runnel-" + service);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", service);
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
                var from = rule.getFrom().get(0).getPodSelector().getMatchLabels();
                assertThat(from).containsEntry("app.kubernetes.io/name", "runnel")
                        .containsEntry("app.kubernetes.io/instance", "runnel");
                assertThat(replica.getSpec().getTemplate().getMetadata().getLabels())
                        .as("a replica is not among the peers admitted").doesNotContainEntry("app.kubernetes.io/name",
                                "runnel");
            });
        }
        assertThat(one(items, NetworkPolicy.class, "runnel-gateway").getSpec().getIngress().get(0).getFrom())
                .as("the API is open").isNullOrEmpty();
        assertThat(items).filteredOn(NetworkPolicy.class::isInstance).hasSize(7);
        for (HasMetadata item : items) {
            if (item instanceof NetworkPolicy) {
                client.resource(item).inNamespace("fenced").create();
            }
        }
        assertThat(client.network().networkPolicies().inNamespace("fenced").list().getItems()).hasSize(7);

        assertThat(render(null, Map.of("networkPolicy.enabled", "false"))).noneMatch(NetworkPolicy.class::isInstance);
    }

    @Test
    void everyOptionRenders() {
        List<HasMetadata> items = render("every-option.yaml", Map.of());
        Deployment gateway = one(items, Deployment.class, "runnel-gateway");
        assertThat(gateway.getSpec().getReplicas()).isEqualTo(3);
        Container container = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("acme/runnel/gateway:1.2.3");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(9080);
        assertThat(gateway.getSpec().getTemplate().getSpec().getImagePullSecrets()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("acme-pull"));
        assertThat(one(items, Service.class, "runnel-gateway").getSpec().getType()).isEqualTo("LoadBalancer");
        Ingress ingress = one(items, Ingress.class, "runnel-gateway");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("faas.acme.dev");
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("faas-tls");
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getPort()
                .getNumber()).isEqualTo(9080);
        assertThat(one(items, ConfigMap.class, "runnel-config").getData())
                .containsEntry("RUNNEL_KAFKA", "kafka-0.kafka:9093,kafka-1.kafka:9093")
                .containsEntry("RUNNEL_DB_URL", "jdbc:postgresql://pg.acme:5432/faas")
                .containsEntry("RUNNEL_REGISTRY_URL", "http://runnel-registry:9081")
                .containsEntry("RUNNEL_QUOTA_GPU_REPLICAS", "0").containsEntry("RUNNEL_QUOTA_PROJECTS_PER_USER", "5");
        Map<String, EnvVar> operator = env(one(items, Deployment.class, "runnel-operator").getSpec().getTemplate()
                .getSpec().getContainers().get(0));
        assertThat(operator.get("RUNNEL_OPERATOR_KUBERNETES_RUNNER_IMAGE").getValue()).isEqualTo("acme/runner-with-torch:2");
        assertThat(operator.get("RUNNEL_OPERATOR_KUBERNETES_SERVICE_ACCOUNT").getValue()).isEqualTo("acme-replicas");
        assertThat(ReplicaDeployment.selector(operator.get("RUNNEL_OPERATOR_KUBERNETES_GPU_NODE_SELECTOR").getValue()))
                .containsExactly(Map.entry("accelerator", "a100"));
        assertThat(ReplicaDeployment.tolerations(operator.get("RUNNEL_OPERATOR_KUBERNETES_GPU_TOLERATIONS").getValue()))
                .satisfiesExactly(t -> {
                    assertThat(t.getKey()).isEqualTo("gpu");
                    assertThat(t.getValue()).isEqualTo("yes");
                    assertThat(t.getOperator()).isEqualTo("Equal");
                    assertThat(t.getEffect()).isEqualTo("NoSchedule");
                }, t -> {
                    assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
                    assertThat(t.getOperator()).isEqualTo("Exists");
                    assertThat(t.getEffect()).isEqualTo("NoExecute");
                });
        assertThat(operator.get("RUNNEL_OPERATOR_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("acme-auth");
        assertThat(operator.get("RUNNEL_OPERATOR_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("operator");
        assertThat(one(items, Deployment.class, "runnel-execution").getSpec().getReplicas()).isEqualTo(4);
        NetworkPolicy replicas = one(items, NetworkPolicy.class, "runnel-replicas");
        assertThat(replicas.getSpec().getEgress().get(0).getTo().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app", "kafka");
        assertThat(replicas.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal()).isEqualTo(9093);
        assertThat(replicas.getSpec().getEgress().get(3).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.20.0.0/16");
        assertThat(one(items, NetworkPolicy.class, "runnel-postgresql").getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app", "postgresql"));
        for (HasMetadata item : items) {
            client.resource(item).inNamespace("faas-all").create();
        }
    }

    @Test
    void aServiceCanBeScaledToZeroReplicas() {
        assertThat(one(render(null, Map.of("trigger.replicas", 0)), Deployment.class, "runnel-trigger").getSpec()
                .getReplicas()).isZero();
    }

    @Test
    void badValuesAreRefusedByTheSchema() {
        assertThatThrownBy(() -> render(null, Map.of("execution.replicas", -1))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> render(null, Map.of("image.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
        assertThatThrownBy(() -> render(null, Map.of("postgresql.url", "mysql://db"))).hasMessageContaining("url");
        assertThatThrownBy(() -> render(null, Map.of("auth.existingSecret", ""))).hasMessageContaining("existingSecret");
        assertThatThrownBy(() -> render(null, Map.of("gateway.replicaz", 2))).hasMessageContaining("replicaz");
    }

    @Test
    void everyImageTheChartRunsIsBuiltFromTheMavenBuild() throws Exception {
        Path docker = root().resolve("deploy/docker");
        String script = Files.readString(docker.resolve("build-images.sh"));
        java.util.regex.Matcher loop = java.util.regex.Pattern.compile("for module in ([^;]+);").matcher(script);
        assertThat(loop.find()).isTrue();
        List<String> modules = List.of(loop.group(1).trim().split("\\s+"));
        List<HasMetadata> items = render(null, Map.of());
        List<String> images = items.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).toList();
        for (String image : images) {
            String module = image.substring("runnel/".length(), image.indexOf(':'));
            assertThat(modules).as(image + " is built by build-images.sh").contains(module);
            assertThat(Files.readString(root().resolve(module).resolve("pom.xml")))
                    .as(module + " is a Quarkus application (target/quarkus-app)").contains("quarkus-maven-plugin");
        }
        assertThat(script).contains("Dockerfile.base").contains("Dockerfile.runner").contains("runnel/runner:");
        // the build context is the Maven build's outputs only: each image's must be let in
        List<String> context = Files.readAllLines(root().resolve(".dockerignore"));
        for (String module : modules) {
            assertThat(context).as(".dockerignore lets in " + module).contains("!" + module + "/target/quarkus-app");
        }
        // what the runner image copies exists once the runner module is built
        for (String line : Files.readAllLines(docker.resolve("Dockerfile.runner"))) {
            if (line.startsWith("COPY ")) {
                String source = line.split("\\s+")[1];
                assertThat(root().resolve(source)).exists();
                assertThat(context).as(".dockerignore lets in " + source)
                        .contains("!" + source.replaceAll("/$", ""));
            }
        }
    }

    @Test
    void theChartsCrdIsTheOneGeneratedFromTheJavaClassesAndApplies() throws Exception {
        Path inChart = root().resolve("deploy/helm/runnel/crds/runnelservices.runnel.dev-v1.yml");
        try (InputStream generated = getClass().getResourceAsStream("/META-INF/fabric8/runnelservices.runnel.dev-v1.yml")) {
            assertThat(Files.readString(inChart)).as("copy target/classes/META-INF/fabric8/runnelservices.runnel.dev-v1.yml"
                    + " to the chart's crds/ after changing RunnelService").isEqualTo(new String(generated.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(inChart.toFile()).item();
        assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
        assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns()).extracting("name")
                .contains("Service", "Version", "Phase", "Ready", "Reason");
        client.resource(crd).create();
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("runnelservices.runnel.dev").get())
                .isNotNull();
    }
}
