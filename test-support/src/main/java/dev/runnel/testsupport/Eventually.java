package dev.runnel.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BooleanSupplier;

/** Waits for what Kafka delivers in its own time: at most 30 s, asking every {@code everyMillis}. */
public final class Eventually {

    private Eventually() {
    }

    public static void waitFor(long everyMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(everyMillis);
        }
    }
}
