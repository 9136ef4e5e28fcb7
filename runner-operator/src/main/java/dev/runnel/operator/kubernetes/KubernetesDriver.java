package dev.runnel.operator.kubernetes;

import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.ServiceStatus;
import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.replica.ReplicaDriver;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Replicas as a Deployment per service. {@link #apply} keeps a {@link RunnelService} (and the Secret
 * with its bot's credential) in step with the spec; a controller loop, woken by informers on
 * RunnelServices, Deployments and pods, reconciles each RunnelService into the Deployment it owns
 * and writes its status from the pods. Nothing is written when nothing changed: the informers'
 * caches answer every comparison.
 */
@ApplicationScoped
@Typed(KubernetesDriver.class) // the ReplicaDriver bean is the one Drivers picks
public class KubernetesDriver implements ReplicaDriver {

    private static final Logger LOG = Logger.getLogger(KubernetesDriver.class);
    /** Reconciles in parallel: the API server's round trips, not this process, bound a reconcile. */
    private static final int WORKERS = 4;
    private static final java.time.Duration RESYNC = java.time.Duration.ofMinutes(10);
    private static final String BY_SERVICE = "service";

    private final KubernetesClient client;
    private final ReplicaDeployment.Settings settings;
    private final String namespace;
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    /** Work queues of the controller's workers; a service always goes to the same one, so one reconciles it at a time. */
    private final List<LinkedBlockingQueue<String>> queues = new ArrayList<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final AtomicLong writes = new AtomicLong();
    private SharedIndexInformer<RunnelService> services;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Pod> pods;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

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
        for (int i = 0; i < WORKERS; i++) {
            queues.add(new LinkedBlockingQueue<>());
        }
        String managed = ReplicaDeployment.MANAGED_BY;
        // a periodic resync reconciles every service now and then, whatever the events said
        services = client.resources(RunnelService.class).inNamespace(namespace).runnableInformer(RESYNC.toMillis());
        deployments = client.apps().deployments().inNamespace(namespace).withLabel(managed, ReplicaDeployment.OPERATOR)
                .runnableInformer(0);
        pods = client.pods().inNamespace(namespace).withLabel(managed, ReplicaDeployment.OPERATOR).runnableInformer(0);
        services.addEventHandler(wake());
        deployments.addEventHandler(wake());
        pods.addEventHandler(wake());
        // a service's pods by its label: a reconcile reads its own, not every pod of the namespace
        pods.addIndexers(Map.of(BY_SERVICE, pod -> pod.getMetadata().getLabels() == null ? List.of()
                : List.of(pod.getMetadata().getLabels().getOrDefault(ReplicaDeployment.SERVICE_LABEL, ""))));
        // every cache is full before the first reconcile: the first lists queue every existing service,
        // and a reconcile that saw an empty Deployment cache would write what exists already
        try {
            CompletableFuture.allOf(services.start().toCompletableFuture(), deployments.start().toCompletableFuture(),
                    pods.start().toCompletableFuture()).get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Kubernetes caches filled", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Kubernetes caches did not fill: " + e.getMessage(), e);
        }
        for (int i = 0; i < WORKERS; i++) {
            LinkedBlockingQueue<String> queue = queues.get(i);
            Thread worker = new Thread(() -> control(queue), "kubernetes-controller-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        LOG.infof("Kubernetes driver in namespace %s, runner image %s", namespace, settings.defaultImage());
    }

    /** Informer events name the resource to reconcile: the RunnelService itself, or the service its object belongs to. */
    private <T extends HasMetadata> ResourceEventHandler<T> wake() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                enqueue(object);
            }

            @Override
            public void onUpdate(T before, T after) {
                enqueue(after);
            }

            @Override
            public void onDelete(T object, boolean unknownFinalState) {
                enqueue(object);
            }
        };
    }

    private void enqueue(HasMetadata object) {
        String name = object instanceof RunnelService ? object.getMetadata().getName()
                : object.getMetadata().getLabels() == null ? null
                : object.getMetadata().getLabels().get(ReplicaDeployment.SERVICE_LABEL) == null ? null
                : RunnelService.nameOf(object.getMetadata().getLabels().get(ReplicaDeployment.SERVICE_LABEL));
        if (name != null && queued.add(name)) {
            queues.get(Math.floorMod(name.hashCode(), queues.size())).add(name);
        }
    }

    private void control(LinkedBlockingQueue<String> queue) {
        while (running) {
            String name;
            try {
                name = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            queued.remove(name);
            try {
                reconcile(name);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.warnf("reconcile of %s failed (%s); trying again", name, e.getMessage());
                }
                if (e.getCode() != 404 && queued.add(name)) {
                    sleepQuietly(e.getCode() == 409 ? 20 : 200); // a conflict: the informer brings the newer version
                    queue.add(name);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "reconcile of %s failed", name);
            }
        }
    }

    /** Makes the Deployment what the RunnelService asks for, and its status what the pods say. */
    void reconcile(String name) {
        RunnelService service = services.getStore().getByKey(namespace + "/" + name);
        if (service == null || service.getMetadata().getDeletionTimestamp() != null) {
            return; // owned objects go with it (the driver also deletes them, for clusters without a collector)
        }
        Deployment wanted = ReplicaDeployment.of(service, settings);
        Deployment existing = deployments.getStore().getByKey(namespace + "/" + name);
        if (existing == null) {
            write(() -> client.resource(wanted).inNamespace(namespace).create());
            LOG.infof("%s: deployment created (%d replicas, image %s)", name, wanted.getSpec().getReplicas(),
                    wanted.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        } else if (!ReplicaDeployment.upToDate(existing, wanted)) {
            wanted.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            write(() -> client.resource(wanted).inNamespace(namespace).update());
            LOG.infof("%s: deployment updated (%d replicas)", name, wanted.getSpec().getReplicas());
        }
        List<Pod> mine = pods.getIndexer().byIndex(BY_SERVICE, service.getSpec().serviceId);
        RunnelServiceStatus status = ReplicaDeployment.status(service, mine);
        if (!ReplicaDeployment.sameStatus(service.getStatus(), status)) {
            // the cached resource's version: a newer one in the cluster makes this a conflict, retried
            RunnelService copy = new RunnelService();
            copy.setMetadata(service.getMetadata());
            copy.setSpec(service.getSpec());
            copy.setStatus(status);
            write(() -> client.resource(copy).inNamespace(namespace).updateStatus());
        }
    }

    @Override
    public void apply(ServiceSpec spec, int replicas, String botCredential) {
        String name = RunnelService.nameOf(spec.serviceId());
        RunnelServiceSpec wanted = specOf(spec, replicas, name + "-bot");
        RunnelService existing = services.getStore().getByKey(namespace + "/" + name);
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
        if (botCredential != null && !botCredential.equals(credentials.get(name))) {
            writeSecret(existing, name + "-bot", botCredential);
            credentials.put(name, botCredential);
        }
    }

    /** The bot's credential in the service's Secret: created, or replaced when it holds another one. */
    private void writeSecret(RunnelService owner, String secretName, String credential) {
        String encoded = Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
        Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
                .withLabels(ReplicaDeployment.labels(owner.getSpec().serviceId))
                .withOwnerReferences(ReplicaDeployment.ownedBy(owner)).endMetadata()
                .withType("Opaque").withData(Map.of("credential", encoded)).build();
        try {
            write(() -> client.resource(secret).inNamespace(namespace).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Secret current = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (current == null || current.getData() == null || !encoded.equals(current.getData().get("credential"))) {
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
    public boolean remove(String serviceId) {
        String name = RunnelService.nameOf(serviceId);
        credentials.remove(name);
        boolean gone = true;
        if (services.getStore().getByKey(namespace + "/" + name) != null) {
            write(() -> client.resources(RunnelService.class).inNamespace(namespace).withName(name).delete());
            gone = false;
        }
        if (deployments.getStore().getByKey(namespace + "/" + name) != null) {
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
        RunnelService service = services.getStore().getByKey(namespace + "/" + RunnelService.nameOf(spec.serviceId()));
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
        for (RunnelService service : services.getStore().list()) {
            if (service.getSpec() != null && service.getSpec().serviceId != null) {
                ids.add(service.getSpec().serviceId);
            }
        }
        for (Deployment deployment : deployments.getStore().list()) {
            Map<String, String> labels = deployment.getMetadata().getLabels();
            if (labels != null && labels.get(ReplicaDeployment.SERVICE_LABEL) != null) {
                ids.add(labels.get(ReplicaDeployment.SERVICE_LABEL));
            }
        }
        return ids;
    }

    /** Writes made to the API server since start (the reconcile benchmark counts them). */
    public long writes() {
        return writes.get();
    }

    private <T> T write(java.util.function.Supplier<T> call) {
        writes.incrementAndGet();
        return call.get();
    }

    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[]{services, deployments, pods}) {
            if (informer != null) {
                informer.close();
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
