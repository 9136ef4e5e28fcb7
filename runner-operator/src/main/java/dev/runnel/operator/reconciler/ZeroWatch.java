package dev.runnel.operator.reconciler;

import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Tells the moment work arrives for an autoscaled service that has no replica, so that the reconciler
 * starts one at once instead of at its next round. It reads the work topics of those services only,
 * without a consumer group and from their end: the operator does no work per execution of the services
 * that run (ADR 10). What was queued before a service is watched is in the backlog of a round, so the
 * watch tells when it starts watching a service too, once its position is fixed, for a round to look.
 */
final class ZeroWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ZeroWatch.class);
    /** How soon a watched service whose work topic was missing is looked up again. */
    private static final long LOOK_AGAIN_MS = 1000;

    private final KafkaConsumer<String, String> consumer;
    private final Consumer<String> onWork;
    private final Consumer<String> onWatching;
    private final Thread thread;
    private final Semaphore changed = new Semaphore(0);
    private volatile Set<String> wanted = Set.of();
    private volatile boolean running = true;
    /** The services whose partitions are assigned, by work topic; only the watch's thread uses it. */
    private Map<String, String> watched = Map.of();
    /** The services whose topics the consumer is assigned now; written by the watch's thread. */
    private volatile Set<String> watchedFor = Set.of();
    private long lookedAt;

    /**
     * Starts watching nothing. {@code onWork} gets the service id of every work item that arrives,
     * {@code onWatching} that of a service whose work topic the watch now reads, from where it ends.
     */
    ZeroWatch(String bootstrap, Consumer<String> onWork, Consumer<String> onWatching) {
        this.consumer = KafkaClients.consumer(bootstrap, Map.of("auto.offset.reset", "latest",
                "allow.auto.create.topics", "false"));
        this.onWork = onWork;
        this.onWatching = onWatching;
        this.thread = new Thread(this::run, "runner-operator-zero-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Watches the work topics of these services, and of no others. */
    void watch(Set<String> serviceIds) {
        if (!serviceIds.equals(wanted)) {
            wanted = Set.copyOf(serviceIds);
            changed.release();
            consumer.wakeup();
        }
    }

    /** Whether the watch reads the work topics of exactly these services now. */
    boolean follows(Set<String> serviceIds) {
        return serviceIds.equals(watchedFor);
    }

    private void run() {
        try {
            while (running) {
                try {
                    Set<String> services = wanted;
                    boolean missing = watched.size() < services.size();
                    if (!services.equals(watchedFor) || missing && System.currentTimeMillis() - lookedAt > LOOK_AGAIN_MS) {
                        assign(services);
                    }
                    if (watched.isEmpty()) {
                        changed.tryAcquire(LOOK_AGAIN_MS, TimeUnit.MILLISECONDS);
                        continue;
                    }
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                        String serviceId = watched.get(record.topic());
                        if (serviceId != null && wanted.contains(serviceId)) {
                            onWork.accept(serviceId);
                        }
                    }
                } catch (WakeupException e) {
                    // the services to watch changed, or the watch closes
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.debugf("the watch of services at zero waits for Kafka (%s)", e.getMessage());
                    watchedFor = Set.of(); // assign again
                    changed.tryAcquire(LOOK_AGAIN_MS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "the watch of services at zero stopped; they start at the reconciler's rounds");
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Assigns the partitions of the services' work topics. A partition newly assigned starts at its end;
     * those kept keep their position. A work topic that does not exist yet (execution-service makes it
     * when it reads the spec) is looked up again a second later. Services newly watched are told.
     */
    private void assign(Set<String> services) {
        lookedAt = System.currentTimeMillis();
        Map<String, String> byTopic = new HashMap<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String serviceId : services) {
            String topic = Topics.work(serviceId);
            try {
                List<PartitionInfo> found = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (found != null && !found.isEmpty()) {
                    byTopic.put(topic, serviceId);
                    found.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debugf("cannot look up %s now (%s)", topic, e.getMessage());
            }
        }
        Set<String> before = Set.copyOf(watched.values());
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            consumer.position(partition, Duration.ofSeconds(2)); // a new one's end, fixed now (not at the poll)
        }
        watched = byTopic;
        watchedFor = services;
        byTopic.values().stream().filter(id -> !before.contains(id)).forEach(onWatching);
    }

    @Override
    public void close() {
        running = false;
        changed.release();
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
