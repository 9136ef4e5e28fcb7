package dev.runnel.operator.autoscale;

import dev.runnel.contracts.Runtime;
import java.time.Duration;
import java.time.Instant;

/**
 * The replicas one service should have, from its work: queued plus in flight, divided by
 * {@code queueLength}, between {@code minReplicas} and {@code maxReplicas}. It scales up at once and
 * down only once the lower count has been enough for {@code cooldownSeconds}; work in flight counts,
 * so a service with calls running never scales to zero, and the replicas it does stop drain their
 * calls within drainTime. One instance per service; the clock is passed in.
 */
public final class Autoscaler {

    /** A service's work now: work items no replica has taken yet, and calls running. */
    public record Load(long queued, long inFlight) {
    }

    /** What was decided, and the count the load alone asked for. */
    public record Decision(int replicas, int needed, boolean changed, String why) {
    }

    private int replicas;
    private Instant enoughSince;

    /**
     * @param running the replicas the service has when its autoscaler starts (a restarted operator
     *                finds them running): a lower need waits for the cooldown like any other
     */
    public Autoscaler(int running) {
        this.replicas = running;
    }

    public Decision decide(Runtime.Autoscaler config, Load load, Instant now) {
        int min = config.minReplicas() == null ? 0 : config.minReplicas();
        int max = Math.max(min, config.maxReplicas() == null ? min : config.maxReplicas());
        int per = Math.max(1, config.queueLength() == null ? 10 : config.queueLength());
        Duration cooldown = Duration.ofSeconds(config.cooldownSeconds() == null ? 300 : config.cooldownSeconds());
        long work = load.queued() + load.inFlight();
        int needed = (int) Math.min(max, Math.max(min, (work + per - 1) / per));
        int before = replicas;
        String why;
        if (needed > replicas) {
            replicas = needed;
            enoughSince = null;
            why = "scale up";
        } else if (needed == replicas) {
            enoughSince = null;
            why = "steady";
        } else {
            if (enoughSince == null) {
                enoughSince = now;
            }
            Duration waited = Duration.between(enoughSince, now);
            if (waited.compareTo(cooldown) >= 0) {
                replicas = needed;
                enoughSince = null;
                why = "scale down after a cooldown of " + cooldown.toSeconds() + "s";
            } else {
                why = "holding " + replicas + " for the cooldown (" + waited.toSeconds() + "s of "
                        + cooldown.toSeconds() + "s)";
            }
        }
        // a max lowered below the current count applies at once
        if (replicas > max) {
            replicas = max;
            why = "maxReplicas lowered";
        }
        if (replicas < min) {
            replicas = min;
            why = "minReplicas raised";
        }
        return new Decision(replicas, needed, replicas != before, why);
    }
}
