package dev.runnel.operator.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The controller of {@link RunnelService}s: informers on RunnelServices, Deployments and pods keep
 * their caches and wake a worker for the service an event is about; the worker makes the service's
 * Deployment what its RunnelService asks for, and its status what the pods say. Nothing is written
 * when nothing changed: the caches answer every comparison. A service always goes to the same worker,
 * so one reconciles it at a time.
 */
final class Controller implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Controller.class);
    /** Reconciles in parallel: the API server's round trips, not this process, bound a reconcile. */
    private static final int WORKERS = 4;
    private static final java.time.Duration RESYNC = java.time.Duration.ofMinutes(10);
    private static final String BY_SERVICE = "service";

    private final KubernetesClient client;
    private final String namespace;
    private final ReplicaDeployment.Settings settings;
    /** Work queues of the workers. */
    private final List<LinkedBlockingQueue<String>> queues = new ArrayList<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final AtomicLong writes = new AtomicLong();
    private SharedIndexInformer<RunnelService> services;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Pod> pods;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    Controller(KubernetesClient client, String namespace, ReplicaDeployment.Settings settings) {
        this.client = client;
        this.namespace = namespace;
        this.settings = settings;
    }

    /** Fills the caches, then starts the workers. */
    void start() {
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

    /** The RunnelService of this name, as the cache has it. */
    RunnelService service(String name) {
        return services.getStore().getByKey(namespace + "/" + name);
    }

    Deployment deployment(String name) {
        return deployments.getStore().getByKey(namespace + "/" + name);
    }

    List<RunnelService> services() {
        return services.getStore().list();
    }

    List<Deployment> deployments() {
        return deployments.getStore().list();
    }

    /** Writes made to the API server since start (the reconcile benchmark counts them). */
    public long writes() {
        return writes.get();
    }

    <T> T write(java.util.function.Supplier<T> call) {
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
