package dev.runnel.trigger.cron;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.MissedRuns;
import dev.runnel.trigger.TriggerConfig;
import dev.runnel.trigger.trigger.Cron;
import dev.runnel.trigger.trigger.ExecutionRequests;
import dev.runnel.trigger.trigger.TriggerDoc;
import dev.runnel.trigger.trigger.TriggerIndex;
import dev.runnel.trigger.trigger.TriggerRepository;
import dev.runnel.trigger.trigger.TriggerTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Fires cron triggers. Every replica looks at every cron trigger each tick, but a time fires only
 * where moving the trigger's {@code last_fire_at} on from the value it read succeeds: a
 * compare-and-set in PostgreSQL, so each time fires once across replicas. Times missed while no
 * replica ran (older than {@code cron-grace}) fire once for all of them, or are skipped, per trigger.
 * Between its times a trigger costs a tick nothing: the database is read only once one is due.
 */
@ApplicationScoped
public class CronFirer {

    private static final Logger LOG = Logger.getLogger(CronFirer.class);

    private final TriggerRepository triggers;
    private final ExecutionRequests requests;
    private final TriggerIndex index;
    private final TriggerConfig config;
    private final MeterRegistry metrics;
    private volatile boolean running = true;
    private Thread thread;

    public CronFirer(TriggerRepository triggers, ExecutionRequests requests, TriggerIndex index, TriggerConfig config,
                     MeterRegistry metrics) {
        this.triggers = triggers;
        this.requests = requests;
        this.index = index;
        this.config = config;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(config.cronTick().toMillis());
                    tick(Instant.now());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warnf("cron tick failed: %s", e.getMessage());
                }
            }
        }, "cron-firer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** When a trigger (as of its {@code updatedAt}) is next due: until then a tick leaves the database alone. */
    private record Upcoming(Instant version, Instant at) {
    }

    private final Map<String, Upcoming> upcoming = new ConcurrentHashMap<>();

    /** Fires what is due at {@code now}; returns how many times this replica fired. */
    public int tick(Instant now) {
        int fired = 0;
        List<TriggerTable.Compiled> crons = index.cronTriggers();
        upcoming.keySet().retainAll(crons.stream().map(c -> c.doc().id()).toList());
        for (TriggerTable.Compiled compiled : crons) {
            TriggerDoc trigger = compiled.doc();
            if (!trigger.active()) {
                continue;
            }
            Upcoming next = upcoming.get(trigger.id());
            if (next != null && next.version().equals(trigger.updatedAt()) && now.isBefore(next.at())) {
                continue;
            }
            Optional<ServiceSpec> service = index.service(trigger.serviceId());
            if (service.isEmpty() || !service.get().active()) {
                continue;
            }
            if (fire(trigger, service.get(), now)) {
                fired++;
            }
        }
        return fired;
    }

    private boolean fire(TriggerDoc trigger, ServiceSpec service, Instant now) {
        Optional<Instant> last = triggers.lastFire(trigger.id());
        if (last.isEmpty()) {
            return false;
        }
        Cron cron = Cron.parse(trigger.spec().cron());
        ZoneId zone = ZoneId.of(trigger.spec().timeZone() == null ? "UTC" : trigger.spec().timeZone());
        Instant until = trigger.spec().endAt() != null && trigger.spec().endAt().isBefore(now)
                ? trigger.spec().endAt() : now;
        Instant due = null;
        Instant next = cron.next(last.get(), zone);
        while (next != null && !next.isAfter(until)) {
            if (trigger.spec().startAt() == null || !next.isBefore(trigger.spec().startAt())) {
                due = next;
            }
            next = cron.next(next, zone);
        }
        // the next time to look: after what fires now (or fired), within the window
        Instant after = due != null ? due : next == null ? null : next.minusSeconds(1);
        Instant look = after == null ? null : cron.next(after, zone);
        if (look != null && trigger.spec().startAt() != null && look.isBefore(trigger.spec().startAt())) {
            look = cron.next(trigger.spec().startAt().minusSeconds(1), zone);
        }
        boolean ended = look == null || (trigger.spec().endAt() != null && look.isAfter(trigger.spec().endAt()));
        upcoming.put(trigger.id(), new Upcoming(trigger.updatedAt(), ended ? Instant.MAX : look));
        if (due == null) {
            return false;
        }
        boolean missed = due.isBefore(now.minus(config.cronGrace()));
        boolean skip = missed && trigger.spec().missed() == MissedRuns.skip;
        Instant fireAt = due;
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!triggers.moveLastFire(trigger.id(), last.get(), fireAt) || skip) {
                return false; // another replica fired it (or it was missed and this trigger skips what it missed)
            }
            ObjectNode input = trigger.spec().input() == null ? Json.mapper().createObjectNode()
                    : trigger.spec().input().deepCopy();
            ObjectNode context = Json.mapper().createObjectNode().put("type", "Cron").put("cron", trigger.spec().cron())
                    .put("time", fireAt.toString()).put("missed", missed);
            requests.request(trigger, service, input, trigger.id() + ":" + fireAt, context);
            triggers.count(trigger.id(), TriggerRepository.Stat.FIRED);
            metrics.counter("runnel_trigger_fired", "type", "Cron").increment();
            return true;
        });
    }
}
