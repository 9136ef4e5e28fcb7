package dev.runnel.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Runtime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The autoscaler's decisions against a simulated backlog and clock. */
class AutoscalerTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static Autoscaler.Decision at(Autoscaler scaler, Runtime.Autoscaler config, int seconds, long queued, long inFlight) {
        return scaler.decide(config, new Autoscaler.Load(queued, inFlight), T0.plusSeconds(seconds));
    }

    @Test
    void scalesUpToMaxUnderLoadAndDownToMinAfterTheCooldown() {
        Runtime.Autoscaler config = new Runtime.Autoscaler(1, 5, 10, 60);
        Autoscaler scaler = new Autoscaler(0);
        assertThat(at(scaler, config, 0, 0, 0).replicas()).as("idle: min").isEqualTo(1);
        assertThat(at(scaler, config, 1, 25, 0).replicas()).as("25 queued / 10 per replica").isEqualTo(3);
        assertThat(at(scaler, config, 2, 30, 20).replicas()).as("queued plus in flight").isEqualTo(5);
        assertThat(at(scaler, config, 3, 1000, 50).replicas()).as("never above max").isEqualTo(5);

        // the load falls: the count holds for the cooldown, then drops to what the load needs
        Autoscaler.Decision held = at(scaler, config, 10, 0, 12);
        assertThat(held.replicas()).isEqualTo(5);
        assertThat(held.needed()).isEqualTo(2);
        assertThat(held.changed()).isFalse();
        assertThat(at(scaler, config, 69, 0, 12).replicas()).isEqualTo(5);
        Autoscaler.Decision down = at(scaler, config, 70, 0, 12);
        assertThat(down.replicas()).isEqualTo(2);
        assertThat(down.changed()).isTrue();
        assertThat(down.why()).contains("cooldown");
        // idle: down to min after another cooldown, never below it
        assertThat(at(scaler, config, 80, 0, 0).replicas()).isEqualTo(2);
        assertThat(at(scaler, config, 140, 0, 0).replicas()).isEqualTo(1);
        assertThat(at(scaler, config, 1000, 0, 0).replicas()).isEqualTo(1);
    }

    @Test
    void aRiseDuringTheCooldownStartsItAgain() {
        Runtime.Autoscaler config = new Runtime.Autoscaler(0, 4, 1, 30);
        Autoscaler scaler = new Autoscaler(0);
        assertThat(at(scaler, config, 0, 4, 0).replicas()).isEqualTo(4);
        assertThat(at(scaler, config, 10, 0, 1).replicas()).isEqualTo(4); // cooldown starts
        assertThat(at(scaler, config, 20, 4, 0).replicas()).isEqualTo(4); // busy again: it resets
        assertThat(at(scaler, config, 45, 0, 1).replicas()).isEqualTo(4); // cooldown starts again at 45
        assertThat(at(scaler, config, 74, 0, 1).replicas()).isEqualTo(4);
        assertThat(at(scaler, config, 75, 0, 1).replicas()).isEqualTo(1);
    }

    @Test
    void withMinZeroItScalesToZeroWhenIdleAndBackWhenWorkArrives() {
        Runtime.Autoscaler config = new Runtime.Autoscaler(0, 3, 2, 5);
        Autoscaler scaler = new Autoscaler(0);
        assertThat(at(scaler, config, 0, 0, 0).replicas()).isZero();
        assertThat(at(scaler, config, 1, 1, 0).replicas()).as("one queued item wakes the service").isEqualTo(1);
        assertThat(at(scaler, config, 2, 0, 1).replicas()).as("work in flight keeps a replica").isEqualTo(1);
        assertThat(at(scaler, config, 30, 0, 1).replicas()).as("however long it runs").isEqualTo(1);
        assertThat(at(scaler, config, 31, 0, 0).replicas()).as("idle, in the cooldown").isEqualTo(1);
        assertThat(at(scaler, config, 36, 0, 0).replicas()).isZero();
        assertThat(at(scaler, config, 37, 5, 0).replicas()).isEqualTo(3);
    }

    @Test
    void aChangedRangeAppliesAtOnce() {
        Autoscaler scaler = new Autoscaler(0);
        assertThat(at(scaler, new Runtime.Autoscaler(0, 10, 1, 600), 0, 8, 0).replicas()).isEqualTo(8);
        assertThat(at(scaler, new Runtime.Autoscaler(0, 3, 1, 600), 1, 8, 0).replicas()).as("max lowered").isEqualTo(3);
        assertThat(at(scaler, new Runtime.Autoscaler(5, 10, 1, 600), 2, 0, 0).replicas()).as("min raised").isEqualTo(5);
    }

    @Test
    void aRestartedOperatorKeepsWhatRunsForTheCooldown() {
        Runtime.Autoscaler config = new Runtime.Autoscaler(0, 5, 10, 60);
        Autoscaler scaler = new Autoscaler(3); // three replicas found running
        Autoscaler.Decision first = at(scaler, config, 0, 0, 0);
        assertThat(first.replicas()).as("no work, but the cooldown first").isEqualTo(3);
        assertThat(first.changed()).isFalse();
        assertThat(at(scaler, config, 59, 0, 0).replicas()).isEqualTo(3);
        assertThat(at(scaler, config, 60, 0, 0).replicas()).isZero();
    }
}
