package dev.runnel.execution.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.ExecutionEvent;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.kafka.ConsumerLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Clients waiting for executions to end. Every replica of execution-service reads all
 * {@code execution-events} (without a consumer group) and wakes its waiters when their execution
 * finishes: a sync call waits on an event, never polls the database.
 */
@ApplicationScoped
public class Waiters {

    /** The end of one execution, and how many clients wait for it. */
    private record Waiting(CompletableFuture<ExecutionDoc> end, AtomicInteger clients) {
    }

    private final ConcurrentHashMap<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final String bootstrap;
    private ConsumerLoop loop;

    public Waiters(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        loop = ConsumerLoop.startReading(bootstrap, "execution-waiters", List.of(Topics.EXECUTION_EVENTS),
                "latest", record -> {
                    if (!waiting.containsKey(record.key())) {
                        return; // keyed by execution id: most events have no waiter here, and are not even read
                    }
                    ExecutionEvent finished = read(record.value());
                    if (finished.type() == ExecutionEvent.Type.finished) {
                        wake(finished.executionId(), null);
                    }
                });
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
    }

    /**
     * Wakes the waiters of an execution that ended: from this instance's commit with the document it
     * wrote (the waiters answer with it, no second read), or from another instance's event without.
     */
    public void wake(String executionId, ExecutionDoc done) {
        Waiting w = waiting.get(executionId);
        if (w != null) {
            w.end().complete(done);
        }
    }

    /** A handle to register before looking at the execution, so that no end slips between. */
    public CompletableFuture<ExecutionDoc> register(String executionId) {
        return waiting.compute(executionId, (id, w) -> {
            Waiting next = w != null ? w : new Waiting(new CompletableFuture<>(), new AtomicInteger());
            next.clients().incrementAndGet();
            return next;
        }).end();
    }

    /**
     * Waits for the registered execution to end, at most {@code timeout}: the document that ended it
     * when this instance committed it, else null (ended elsewhere, or still running).
     */
    public ExecutionDoc await(String executionId, CompletableFuture<ExecutionDoc> handle, Duration timeout) {
        try {
            return handle.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null; // answer with the execution as it is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            release(executionId);
        }
    }

    /** How many executions have clients waiting for them here. */
    public int waited() {
        return waiting.size();
    }

    /** A registered client stops waiting; the last one takes the entry away. */
    public void release(String executionId) {
        waiting.computeIfPresent(executionId, (id, w) -> w.clients().decrementAndGet() == 0 ? null : w);
    }

    private static ExecutionEvent read(String json) {
        try {
            return Json.mapper().readValue(json, ExecutionEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
