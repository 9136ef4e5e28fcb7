package dev.runnel.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Topics;
import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Nothing stops, nothing is lost: a steady load of calls through the gateway, and of item events that
 * an event trigger turns into calls, while faults are injected one at a time (kill -9 of
 * execution-service, registry-service, the gateway, bot-service and trigger-service, each restarted;
 * kill -9 of a replica mid-execution; poison records on the topics execution-service consumes; kill -9
 * of the Kafka broker, and an immediate stop of PostgreSQL, each started again).
 * After each: every accepted call ends in success, every accepted event made exactly one call, none
 * ran to its end twice (the function writes down each run it finishes), and a new call is served
 * again; the time that took is recorded. Prints its figures for docs/RELIABILITY.md and writes them to
 * {@code target/fault-suite.md} (and, when a fault lost, doubled or failed something, the logs to
 * {@code target/fault-suite-logs}). {@code -Dfault.rounds=N} runs the faults N times (the long form),
 * {@code -Dfault.only=TEXT} only those whose name holds TEXT.
 */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class FaultSuiteTest {

    private static final Set<String> ENDED = Set.of("success", "failed", "terminated");

    @Inject
    LocalProcessDriver driver;

    /** One fault: its name, and what it does (returns when the faulty part is back or recovering). */
    private record Fault(String name, Runnable inject) {
    }

    /** What one fault did to the load. */
    private record Outcome(String fault, int accepted, int events, int lost, int doubled, int failed, long recoveryMs) {
    }

    @Test
    void underLoadEveryFaultLosesNothingAndDoublesNothing() throws Exception {
        Deployments.Project project = Deployments.project();
        // a replica that dies mid-call has its calls run again (onReset: rerun), as a pipeline's service would
        String service = Deployments.deployLab(project, Map.of("runtime", Map.of("replicas", 2, "concurrency", 4),
                "onReset", "rerun"));
        Path runs = RunnelInfrastructure.home().resolve("replicas").resolve(service).resolve("runs.log");
        // the other half of the load: item events that an event trigger turns into calls of on_item
        Map<String, Object> triggerBody = Map.of("type", "Event", "name", "fault-suite", "projectId", project.id(),
                "spec", Map.of("resource", "Item", "actions", List.of("Created"), "executionMode", "Once",
                        "operation", Map.of("type", "function", "serviceId", service, "functionName", "on_item")));
        // trigger-service learns of the service from service-specs: a moment after its deploy
        String trigger = dev.runnel.testsupport.Eventually.value(Duration.ofSeconds(30), Duration.ofMillis(300),
                "the event trigger", () -> {
                    var answer = project.as().contentType("application/json").body(triggerBody).post("/triggers");
                    if (answer.statusCode() != 201) {
                        System.out.println("trigger not made yet: " + answer.statusCode() + " " + answer.asString());
                        return null;
                    }
                    return answer.<String>path("id");
                }, java.util.Objects::nonNull);
        List<Fault> faults = new ArrayList<>(List.of(
                new Fault("kill -9 execution-service", () -> OperatorWorld.execution.restart()),
                new Fault("kill -9 registry-service", () -> OperatorWorld.registry.restart()),
                new Fault("kill -9 gateway", () -> OperatorWorld.gateway.restart()),
                new Fault("kill -9 bot-service", OperatorWorld::restartBotService),
                new Fault("kill -9 trigger-service", () -> OperatorWorld.trigger.restart()),
                new Fault("kill -9 a replica mid-execution", () -> driver.replicas(service).stream()
                        .filter(LocalProcessDriver.LocalReplica::alive).findFirst()
                        .ifPresent(LocalProcessDriver.LocalReplica::kill)),
                new Fault("poison records on execution-status and execution-requests", () -> {
                    TopicWriter.send(Topics.EXECUTION_STATUS, "poison", "{\"executionId\": 42, \"status\": []}");
                    TopicWriter.send(Topics.EXECUTION_REQUESTS, "poison", "[\"not\", \"a\", \"request\"]");
                }),
                new Fault("restart the Kafka broker (kill -9)", () -> {
                    RunnelInfrastructure.kafka().stop();
                    RunnelInfrastructure.kafka().resume();
                }),
                new Fault("restart PostgreSQL (immediate)", () -> RunnelInfrastructure.postgres().restart())));
        String only = System.getProperty("fault.only", "");
        faults.removeIf(fault -> !fault.name().contains(only));
        int rounds = Integer.getInteger("fault.rounds", 1);
        List<Outcome> outcomes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Fault fault : faults) {
                outcomes.add(underLoad(project, service, trigger, runs, fault));
            }
        }
        String table = report(outcomes);
        System.out.println(table);
        Files.writeString(Path.of("target/fault-suite.md"), table);
        if (outcomes.stream().anyMatch(o -> o.lost() + o.doubled() + o.failed() > 0)) {
            keepLogs(RunnelInfrastructure.home(), Path.of("target/fault-suite-logs"));
        }
        for (Outcome outcome : outcomes) {
            assertThat(outcome.lost()).as(outcome.fault() + ": executions that never ended").isZero();
            assertThat(outcome.doubled()).as(outcome.fault() + ": executions run to their end twice").isZero();
            assertThat(outcome.failed()).as(outcome.fault() + ": executions that failed").isZero();
            assertThat(outcome.accepted()).as(outcome.fault() + ": the calls went on").isPositive();
            assertThat(outcome.events()).as(outcome.fault() + ": the events went on").isPositive();
        }
    }

    /** Runs the load a few seconds, injects the fault, runs it on until served again, then waits for quiet. */
    private Outcome underLoad(Deployments.Project project, String service, String trigger, Path runs, Fault fault)
            throws Exception {
        List<String> accepted = new ArrayList<>();
        List<String> events = new ArrayList<>(); // the items of the events accepted
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            // a call and an event in turn, one every 50 ms or so
            for (long turn = 0; loading.get(); turn++) {
                try {
                    if (turn % 2 == 0) {
                        var answer = project.as().contentType("application/json")
                                .body(Map.of("functionName", "record", "input", Map.of("ms", 50)))
                                .post("/executions/" + service);
                        if (answer.statusCode() == 201) {
                            synchronized (accepted) {
                                accepted.add(answer.path("id"));
                            }
                        }
                        Thread.sleep(50);
                        continue;
                    }
                    String item = "item-" + UUID.randomUUID();
                    if (project.as().contentType("application/json").body(Map.of("specversion", "1.0", "id",
                            UUID.randomUUID().toString(), "source", "/fault-suite", "type", "Item.Created", "subject",
                            item, "projectid", project.id(), "data", Map.of("id", item)))
                            .post("/events").statusCode() == 202) {
                        synchronized (events) {
                            events.add(item);
                        }
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException refusedWhileDown) {
                    // not accepted: the caller saw the error
                }
            }
        }, "fault-suite-load");
        load.start();
        Thread.sleep(3000);
        fault.inject().run();
        long injected = System.nanoTime();
        long recovery = served(project, service);
        long recoveryMs = (recovery - injected) / 1_000_000;
        Thread.sleep(2000);
        loading.set(false);
        load.join();

        List<String> items;
        synchronized (events) {
            items = List.copyOf(events);
        }
        // every accepted event makes exactly one call: find each item's calls (none: lost; two: doubled)
        Map<String, List<String>> callsByItem = new HashMap<>();
        long eventDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < eventDeadline) {
            callsByItem = callsOf(project, trigger);
            if (callsByItem.keySet().containsAll(items)) {
                break;
            }
            Thread.sleep(1000);
        }
        int eventsLost = 0;
        int eventsDoubled = 0;
        List<String> ids = new ArrayList<>();
        synchronized (accepted) {
            ids.addAll(accepted);
        }
        for (String item : items) {
            List<String> calls = callsByItem.getOrDefault(item, List.of());
            eventsLost += calls.isEmpty() ? 1 : 0;
            eventsDoubled += calls.size() > 1 ? 1 : 0;
            ids.addAll(calls);
        }
        // every call is looked at in rounds until all ended or the time is up: one that never ends does
        // not keep the others from being looked at; one that is not there (404) is lost
        Map<String, String> ended = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        List<String> open = new ArrayList<>(ids);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (java.util.Iterator<String> it = open.iterator(); it.hasNext(); ) {
                String id = it.next();
                try {
                    var answer = project.as().get("/executions/" + id);
                    String status = answer.statusCode() == 404 ? "not there" : answer.path("latestStatus.status");
                    ended.put(id, status);
                    if ("not there".equals(status) || (status != null && ENDED.contains(status))) {
                        it.remove();
                    }
                } catch (RuntimeException notNow) {
                    // asked again next round
                }
            }
            if (!open.isEmpty()) {
                Thread.sleep(1000);
            }
        }
        Map<String, Long> runsById = Files.exists(runs) ? Files.readAllLines(runs).stream()
                .filter(line -> line.startsWith("done ")).map(line -> line.substring(5))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())) : Map.of();
        int lost = (int) ids.stream().filter(id -> ended.get(id) == null || !ENDED.contains(ended.get(id))).count();
        ids.stream().filter(id -> ended.get(id) == null || !ENDED.contains(ended.get(id))).limit(10).forEach(id -> {
            var answer = project.as().get("/executions/" + id);
            System.out.printf("%s: not ended: %s answers %d, status %s, %s attempt(s), on replica %s%n", fault.name(),
                    id, answer.statusCode(), answer.path("latestStatus.status"), answer.path("attempts"),
                    answer.path("replicaId"));
        });
        if (lost > 0) { // what the consumers gave up on, if anything: the admin's view
            given().baseUri(OperatorWorld.api).header("Authorization", "Bearer " + Identities.adminToken())
                    .get("/dead-letters?pageSize=20")
                    .then().extract().jsonPath().<Map<String, Object>>getList("items").forEach(letter ->
                            System.out.printf("%s: dead letter of %s on %s: %s (%s)%n", fault.name(),
                                    letter.get("consumer"), letter.get("topic"), letter.get("reason"), letter.get("cause")));
        }
        int failed = (int) ids.stream().filter(id -> "failed".equals(ended.get(id))
                || "terminated".equals(ended.get(id))).count();
        int doubled = (int) ids.stream().filter(id -> runsById.getOrDefault(id, 0L) > 1).count();
        if (eventsLost + eventsDoubled > 0) {
            System.out.printf("%s: of %d events, %d made no call and %d more than one%n", fault.name(), items.size(),
                    eventsLost, eventsDoubled);
        }
        return new Outcome(fault.name(), accepted.size(), items.size(), lost + eventsLost,
                doubled + eventsDoubled, failed, recoveryMs);
    }

    /** The calls the trigger made, by the item of the event that made each. */
    private static Map<String, List<String>> callsOf(Deployments.Project project, String trigger) {
        Map<String, List<String>> byItem = new HashMap<>();
        try {
            boolean more = true;
            for (int page = 0; more; page++) {
                var answer = project.as().get("/executions?projectId=" + project.id() + "&triggerId=" + trigger
                        + "&pageSize=1000&page=" + page)
                        .then().extract().jsonPath();
                for (Map<String, Object> call : answer.<Map<String, Object>>getList("items")) {
                    Object input = call.get("input");
                    Object item = input instanceof Map<?, ?> in && in.get("item") instanceof Map<?, ?> entity
                            ? entity.get("item_id") : null;
                    byItem.computeIfAbsent(String.valueOf(item), k -> new ArrayList<>()).add((String) call.get("id"));
                }
                more = answer.getBoolean("hasNextPage");
            }
        } catch (RuntimeException notNow) {
            // asked again
        }
        return byItem;
    }

    /** When a new call is served again: the first sync call that succeeds after the fault. */
    private static long served(Deployments.Project project, String service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String status = project.as().contentType("application/json")
                        .body(Map.of("functionName", "record", "input", Map.of("ms", 0)))
                        .post("/executions/" + service + "?wait=true&timeout=10").then().extract()
                        .path("latestStatus.status");
                if ("success".equals(status)) {
                    return System.nanoTime();
                }
            } catch (RuntimeException notYet) {
                // down still
            }
            Thread.sleep(100);
        }
        return System.nanoTime();
    }

    /** Keeps the logs of the services and replicas (the home is removed when the JVM ends) to look into a failure. */
    private static void keepLogs(Path home, Path to) throws java.io.IOException {
        try (var files = Files.walk(home)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                Path copy = to.resolve(home.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("the logs are kept in " + to.toAbsolutePath());
    }

    private static String report(List<Outcome> outcomes) {
        Map<String, List<Outcome>> byFault = outcomes.stream()
                .collect(Collectors.groupingBy(Outcome::fault, LinkedHashMap::new, Collectors.toList()));
        StringBuilder table = new StringBuilder("| fault | times | calls accepted | events accepted | lost | doubled"
                + " | failed | served again after (ms, each time) |\n|---|---|---|---|---|---|---|---|\n");
        byFault.forEach((fault, list) -> table.append("| ").append(fault).append(" | ").append(list.size())
                .append(" | ").append(list.stream().mapToInt(Outcome::accepted).sum())
                .append(" | ").append(list.stream().mapToInt(Outcome::events).sum())
                .append(" | ").append(list.stream().mapToInt(Outcome::lost).sum())
                .append(" | ").append(list.stream().mapToInt(Outcome::doubled).sum())
                .append(" | ").append(list.stream().mapToInt(Outcome::failed).sum())
                .append(" | ").append(list.stream().map(o -> String.valueOf(o.recoveryMs()))
                        .collect(Collectors.joining(", "))).append(" |\n"));
        return table.toString();
    }
}
