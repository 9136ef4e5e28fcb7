package dev.runnel.operator.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Operators elect one of them through a Lease in their namespace: only the holder reconciles, the
 * others wait to take over. A holder that cannot renew in time loses the lease and must stop writing
 * at once ({@code lost}); one that stops releases it, so that another takes over without waiting for
 * it to expire.
 */
public final class LeaseElection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseElection.class);

    /** How long a lease holds without renewal, the time a holder has to renew it, and how often others try. */
    public record Timing(Duration lease, Duration renewDeadline, Duration retry) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2));
    }

    private final CompletableFuture<Void> leading = new CompletableFuture<>();
    private final CompletableFuture<?> election;
    private volatile boolean closing;

    private LeaseElection(KubernetesClient client, String namespace, String lease, String identity, Timing timing,
                          Runnable lost) {
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
            LOG.infof("%s leads: it holds the lease %s/%s", identity, namespace, lease);
            leading.complete(null);
        }, () -> {
            if (!closing) {
                LOG.errorf("%s lost the lease %s/%s", identity, namespace, lease);
                lost.run();
            }
        }, leader -> {
            if (leader != null) {
                LOG.infof("the lease %s/%s is held by %s", namespace, lease, leader);
            }
        });
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(lease).withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(timing.lease()).withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retry()).withReleaseOnCancel().withLeaderCallbacks(callbacks).build())
                .build().start();
    }

    /**
     * Starts competing for {@code lease}.
     *
     * @param lost what to do when the lease is lost while held (the operator exits: a new instance
     *             rejoins as a follower)
     */
    public static LeaseElection start(KubernetesClient client, String namespace, String lease, String identity,
                                      Timing timing, Runnable lost) {
        return new LeaseElection(client, namespace, lease, identity, timing, lost);
    }

    /** Completes once this instance holds the lease. */
    public CompletableFuture<Void> leading() {
        return leading;
    }

    /** Stops competing; a held lease is released. */
    @Override
    public void close() {
        closing = true;
        election.cancel(true);
    }
}
