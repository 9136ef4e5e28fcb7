package dev.runnel.operator.kubernetes;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.KafkaLogin;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.replica.ReplicaDriver;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Replicas as a Deployment per service. {@link #apply} keeps a {@link RunnelService} (and the Secret
 * with its bot's credential) in step with the spec; the {@link Controller} reconciles each
 * RunnelService into the Deployment it owns and writes its status from the pods.
 */
@ApplicationScoped
@Typed(KubernetesDriver.class) // the ReplicaDriver bean is the one Drivers picks
public class KubernetesDriver implements ReplicaDriver {

    private static final Logger LOG = Logger.getLogger(KubernetesDriver.class);

    private final KubernetesClient client;
    private final ReplicaDeployment.Settings settings;
    private final String namespace;
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private Controller controller;

    @Inject
    public KubernetesDriver(KubernetesClient client, KubernetesConfig kubernetes, OperatorConfig config,
                            @ConfigProperty(name = "kafka.bootstrap.servers") String kafka) {
        this(client, kubernetes.namespaceOf(client),
                new ReplicaDeployment.Settings(kubernetes.kafka().orElse(kafka), config.api(),
                        kubernetes.runnerImage(), kubernetes.imagePullPolicy(), kubernetes.serviceAccount().orElse(null),
                        ReplicaDeployment.selector(kubernetes.gpuNodeSelector()),
                        ReplicaDeployment.tolerations(kubernetes.gpuTolerations()), config.botCheckInterval().toSeconds()));
    }

    /** Outside CDI (the reconcile benchmark); call {@link #start()} before using it. */
    public KubernetesDriver(KubernetesClient client, String namespace, ReplicaDeployment.Settings settings) {
        this.client = client;
        this.namespace = namespace;
        this.settings = settings;
    }

    @PostConstruct
    public void start() {
        controller = new Controller(client, namespace, settings);
        controller.start();
        LOG.infof("Kubernetes driver in namespace %s, runner image %s", namespace, settings.defaultImage());
    }

    @Override
    public void apply(ServiceSpec spec, int replicas, String botCredential, KafkaLogin kafkaLogin) {
        String name = RunnelService.nameOf(spec.serviceId());
        RunnelServiceSpec wanted = specOf(spec, replicas, name + "-bot");
        RunnelService existing = controller.service(name);
        if (existing == null) {
            RunnelService service = new RunnelService();
            service.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                    .withLabels(ReplicaDeployment.labels(spec.serviceId())).build());
            service.setSpec(wanted);
            existing = write(() -> client.resource(service).inNamespace(namespace).create());
            LOG.infof("service %s: %s created", spec.name(), name);
        } else if (!Json.mapper().valueToTree(existing.getSpec()).equals(Json.mapper().valueToTree(wanted))) {
            RunnelService changed = new RunnelService();
            changed.setMetadata(existing.getMetadata());
            changed.setSpec(wanted);
            changed.setStatus(existing.getStatus());
            write(() -> client.resource(changed).inNamespace(namespace).update());
        }
        if (botCredential != null && kafkaLogin != null
                && !(botCredential + kafkaLogin.password()).equals(credentials.get(name))) {
            writeSecret(existing, name + "-bot", Map.of(ReplicaDeployment.CREDENTIAL_KEY, botCredential,
                    ReplicaDeployment.KAFKA_PASSWORD_KEY, kafkaLogin.password()));
            credentials.put(name, botCredential + kafkaLogin.password());
        }
    }

    /**
     * The replicas' credentials (the bot's, and the Kafka password) in the service's Secret: created,
     * or replaced when it holds others.
     */
    private void writeSecret(RunnelService owner, String secretName, Map<String, String> values) {
        Map<String, String> encoded = new java.util.TreeMap<>();
        values.forEach((key, value) -> encoded.put(key, Base64.getEncoder().encodeToString(
                value.getBytes(StandardCharsets.UTF_8))));
        Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
                .withLabels(ReplicaDeployment.labels(owner.getSpec().serviceId))
                .withOwnerReferences(ReplicaDeployment.ownedBy(owner)).endMetadata()
                .withType("Opaque").withData(encoded).build();
        try {
            write(() -> client.resource(secret).inNamespace(namespace).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Secret current = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (current == null || !encoded.equals(current.getData())) {
                write(() -> client.resource(secret).inNamespace(namespace).update());
            }
        }
    }

    /** The RunnelService spec of a service spec, with the replicas wanted now. */
    public static RunnelServiceSpec specOf(ServiceSpec spec, int replicas, String botSecret) {
        RunnelServiceSpec out = new RunnelServiceSpec();
        out.serviceId = spec.serviceId();
        out.projectId = spec.projectId();
        out.serviceName = spec.name();
        out.version = spec.version();
        out.active = spec.active();
        out.replicas = replicas;
        out.concurrency = spec.runtime().concurrency();
        out.gpu = spec.runtime().gpu();
        out.podType = spec.runtime().podType();
        out.runnerImage = spec.runtime().runnerImage();
        out.drainTime = spec.drainTime();
        out.botUserName = spec.botUserName();
        out.botSecret = botSecret;
        try {
            out.serviceSpec = Json.mapper().writeValueAsString(spec);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public java.util.Optional<String> storedCredential(String serviceId) {
        Secret secret = client.secrets().inNamespace(namespace).withName(RunnelService.nameOf(serviceId) + "-bot").get();
        return java.util.Optional.ofNullable(secret == null || secret.getData() == null ? null
                : secret.getData().get(ReplicaDeployment.CREDENTIAL_KEY))
                .map(encoded -> new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    }

    @Override
    public boolean remove(String serviceId) {
        String name = RunnelService.nameOf(serviceId);
        credentials.remove(name);
        boolean gone = true;
        if (controller.service(name) != null) {
            write(() -> client.resources(RunnelService.class).inNamespace(namespace).withName(name).delete());
            gone = false;
        }
        if (controller.deployment(name) != null) {
            write(() -> client.apps().deployments().inNamespace(namespace).withName(name).delete());
            gone = false;
        }
        if (gone) {
            write(() -> client.secrets().inNamespace(namespace).withName(name + "-bot").delete());
            LOG.infof("service %s: its resources are deleted", serviceId);
        }
        return gone;
    }

    @Override
    public Observed observe(ServiceSpec spec) {
        RunnelService service = controller.service(RunnelService.nameOf(spec.serviceId()));
        RunnelServiceStatus status = service == null ? null : service.getStatus();
        int replicas = service == null || service.getSpec().replicas == null ? 0 : service.getSpec().replicas;
        if (status == null || !Objects.equals(status.observedGeneration, service.getMetadata().getGeneration())) {
            return new Observed(status == null || status.readyReplicas == null ? 0 : status.readyReplicas, null,
                    replicas);
        }
        ServiceStatus.Error error = status.reason == null ? null
                : new ServiceStatus.Error(status.reason, status.message, status.detail);
        return new Observed(status.readyReplicas == null ? 0 : status.readyReplicas, error, replicas);
    }

    @Override
    public Set<String> services() {
        Set<String> ids = new HashSet<>();
        for (RunnelService service : controller.services()) {
            if (service.getSpec() != null && service.getSpec().serviceId != null) {
                ids.add(service.getSpec().serviceId);
            }
        }
        for (Deployment deployment : controller.deployments()) {
            Map<String, String> labels = deployment.getMetadata().getLabels();
            if (labels != null && labels.get(ReplicaDeployment.SERVICE_LABEL) != null) {
                ids.add(labels.get(ReplicaDeployment.SERVICE_LABEL));
            }
        }
        return ids;
    }

    /** Writes made to the API server since start (the reconcile benchmark counts them). */
    public long writes() {
        return controller.writes();
    }

    private <T> T write(Supplier<T> call) {
        return controller.write(call);
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
    }
}
