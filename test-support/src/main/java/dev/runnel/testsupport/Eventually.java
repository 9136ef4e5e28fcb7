package dev.runnel.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits on conditions, for what Kafka, the database and other processes do in their own time: a
 * test polls what it can observe instead of sleeping for a guess. Each wait has a bound, and says
 * what it waited for when the bound passes.
 */
public final class Eventually {

    /** How long a wait lasts unless it says otherwise. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /** Polls every {@code everyMillis} until {@code condition} holds, at most {@link #DEFAULT}. */
    public static void waitFor(long everyMillis, BooleanSupplier condition) throws InterruptedException {
        until(DEFAULT, Duration.ofMillis(everyMillis), "the condition", condition);
    }

    /** Polls until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(Duration timeout, Duration every, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what);
            }
            pause(every);
        }
    }

    /** Reads a value until it is {@code accepted}, and returns it; fails naming {@code what} and the last value read. */
    public static <T> T value(Duration timeout, Duration every, String what, Supplier<T> read, Predicate<T> accepted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = read.get();
            if (accepted.test(value)) {
                return value;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last: " + value);
            }
            pause(every);
        }
    }

    /**
     * Checks that {@code condition} holds, every {@code every}, for the whole of {@code duration}: how a
     * test shows that something does not happen (no execution is created, nothing wakes up).
     */
    public static void holdsFor(Duration duration, Duration every, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + duration.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            pause(every);
        } while (System.nanoTime() < end);
        if (!condition.getAsBoolean()) {
            throw new AssertionError("no longer true: " + what);
        }
    }

    private static void pause(Duration every) {
        try {
            Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
