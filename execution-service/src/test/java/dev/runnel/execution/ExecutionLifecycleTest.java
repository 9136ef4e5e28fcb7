package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.runnel.contracts.ExecutionRequest;
import dev.runnel.contracts.ExecutionStatusUpdate;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.RunnerControl;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ExecutionLifecycleTest {

    static final Map<String, Object> ITEM = Map.of("item", Map.of("item_id", "item-1"));

    static String create(Platform.Developer dev, ServiceSpec spec, String function, Object input) {
        return dev.request().contentType("application/json").body(Map.of("functionName", function, "input", input))
                .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(201)
                .body("latestStatus.status", equalTo("created")).extract().path("id");
    }

    static JsonPath waitFor(Platform.Developer dev, String id) {
        return dev.request().get("/api/v1/executions/" + id + "/wait?timeout=20").then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void statusLogFollowsTheReplicaWithTheProgressRuleAndTheOutput() {
        // a message nobody can read is skipped, not retried forever in front of the others
        Platform.publishGarbage(Topics.EXECUTION_STATUS);
        Platform.publishGarbage(Topics.EXECUTION_REQUESTS);
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 3, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            r.report(item, "in-progress", null, "execution started", null, null);
            for (int percent : new int[] {4, 7, 9, 100}) {
                r.report(item, "in-progress", percent, null, null, null);
            }
            r.report(item, "success", null, null, Map.of("label", "dog"), null);
        })) {
            String id = create(dev, spec, "detect", ITEM);
            JsonPath done = waitFor(dev, id);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getList("status.status")).containsExactly("created", "in-progress", "in-progress",
                    "in-progress", "in-progress", "success");
            assertThat(done.getList("status.percentComplete")).containsExactly(0, 0, 4, 9, 100, 100);
            assertThat(done.getString("output.label")).isEqualTo("dog");
            assertThat(done.getDouble("input.threshold")).as("default input filled in").isEqualTo(0.5);
            assertThat(done.getInt("attempts")).isEqualTo(1);
            assertThat(done.getString("serviceName")).isEqualTo("svc");
            assertThat(done.getString("creator")).startsWith("dev-");
            assertThat(replica.received).hasSize(1);
        }
    }

    @Test
    void aShortCallReportsItsWholeLifeInOneMessageAndTheLogStillShowsItRunning() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 3, 3600, "failed", true));
        Instant started = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) ->
                r.report(item, "success", null, null, Map.of("ok", true), null, started))) {
            String id = create(dev, spec, "run", ITEM);
            JsonPath done = waitFor(dev, id);
            assertThat(done.getList("status.status")).containsExactly("created", "in-progress", "success");
            assertThat(Instant.parse(done.getString("status[1].timestamp"))).isEqualTo(started);
            assertThat(done.getString("status[1].message")).isEqualTo("running on " + replica.replicaId);
            assertThat(done.getBoolean("output.ok")).isTrue();
        }
    }

    @Test
    void aFailingAttemptIsRetriedUntilItSucceedsOrAttemptsRunOut() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 3, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            boolean alwaysFails = item.input().has("payload") && item.input().get("payload").asText().equals("never");
            if (alwaysFails || item.attempt() < 3) {
                r.report(item, "failed", null, null, null, new ExecutionStatusUpdate.Error("ValueError",
                        "attempt " + item.attempt() + " broke", "Traceback (most recent call last):\nValueError"));
            } else {
                r.report(item, "success", null, null, "third time lucky", null);
            }
        })) {
            String flaky = create(dev, spec, "echo", Map.of("payload", "sometimes"));
            String doomed = create(dev, spec, "echo", Map.of("payload", "never"));
            JsonPath ok = waitFor(dev, flaky);
            assertThat(ok.getString("latestStatus.status")).isEqualTo("success");
            assertThat(ok.getInt("attempts")).isEqualTo(3);
            assertThat(ok.getString("output")).isEqualTo("third time lucky");
            JsonPath failed = waitFor(dev, doomed);
            assertThat(failed.getString("latestStatus.status")).isEqualTo("failed");
            assertThat(failed.getInt("attempts")).isEqualTo(3);
            assertThat(failed.getString("latestStatus.error.traceback")).contains("Traceback");
            assertThat(failed.getString("latestStatus.message")).contains("attempt 3 broke");
        }
    }

    @Test
    void inputIsCheckedAgainstTheFunction() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        record Case(Object body, String field) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("functionName", "nope", "input", ITEM), "functionName"),
                new Case(Map.of("functionName", "run", "input", Map.of()), "input.item"),
                new Case(Map.of("functionName", "run", "input", Map.of("item", 42)), "input.item"),
                new Case(Map.of("functionName", "detect", "input", Map.of("item", "i", "threshold", "high")),
                        "input.threshold"),
                new Case(Map.of("functionName", "run", "input", Map.of("item", "i", "extra", 1)), "input.extra"),
                new Case(Map.of("functionName", "run", "input", "not an object"), "input"),
                new Case(Map.of("functionName", "run", "projectId", "another", "input", ITEM), "projectId"));
        for (Case c : cases) {
            dev.request().contentType("application/json").body(c.body()).post("/api/v1/executions/" + spec.serviceId())
                    .then().statusCode(400).contentType("application/problem+json").body("field", equalTo(c.field()));
        }
        // functionName defaults to run, and a plain id is an Item
        dev.request().contentType("application/json").body(Map.of("input", Map.of("item", "item-9")))
                .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(201)
                .body("functionName", equalTo("run"));
        dev.request().contentType("application/json").body(Map.of("input", ITEM)).post("/api/v1/executions/unknown")
                .then().statusCode(404).contentType("application/problem+json");
        ServiceSpec stopped = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", false));
        dev.request().contentType("application/json").body(Map.of("input", ITEM))
                .post("/api/v1/executions/" + stopped.serviceId()).then().statusCode(409)
                .body("message", containsString("inactive"));
    }

    @Test
    void theSameIdempotencyKeyCreatesOneExecution() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        String key = UUID.randomUUID().toString();
        String first = dev.request().contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("input", ITEM)).post("/api/v1/executions/" + spec.serviceId()).then().statusCode(201)
                .extract().path("id");
        String second = dev.request().contentType("application/json")
                .body(Map.of("input", ITEM, "idempotencyKey", key)).post("/api/v1/executions/" + spec.serviceId())
                .then().statusCode(201).extract().path("id");
        assertThat(second).isEqualTo(first);

        // requests on execution-requests, delivered twice, create one execution
        String requestKey = "trigger-t1:event-" + UUID.randomUUID();
        ExecutionRequest request = new ExecutionRequest(UUID.randomUUID().toString(), requestKey, spec.serviceId(),
                spec.projectId(), "run", Json.mapper().valueToTree(ITEM), "t1", "bot.default@" + spec.projectId(), null);
        Platform.publish(Topics.EXECUTION_REQUESTS, spec.serviceId(), request);
        Platform.publish(Topics.EXECUTION_REQUESTS, spec.serviceId(), request);
        Supplier<Integer> created = () -> dev.request().get("/api/v1/executions?serviceId=" + spec.serviceId()
                + "&triggerId=t1").then().statusCode(200).extract().path("totalItemsCount");
        Eventually.until(Duration.ofSeconds(15), Duration.ofMillis(200), "the request's execution",
                () -> created.get() > 0);
        // the same request read again creates nothing more, however long one waits
        Eventually.holdsFor(Duration.ofSeconds(1), Duration.ofMillis(200), "one execution for the request",
                () -> created.get() == 1);
        dev.request().get("/api/v1/executions?serviceId=" + spec.serviceId() + "&triggerId=t1").then()
                .body("items[0].triggerId", equalTo("t1"));
    }

    @Test
    void syncExecuteWaitsForTheEnd() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            ScriptedReplica.callTakes(Duration.ofMillis(300));
            r.report(item, "success", null, null, Map.of("ok", true), null);
        })) {
            // a timeout out of bounds is refused before anything is written
            for (String timeout : List.of("-1", "100000")) {
                dev.request().contentType("application/json").body(Map.of("input", ITEM))
                        .post("/api/v1/executions/" + spec.serviceId() + "?wait=true&timeout=" + timeout).then()
                        .statusCode(400).contentType("application/problem+json");
            }
            dev.request().get("/api/v1/executions?serviceId=" + spec.serviceId()).then()
                    .body("totalItemsCount", equalTo(0));

            String key = UUID.randomUUID().toString();
            String id = dev.request().contentType("application/json").header("Idempotency-Key", key)
                    .body(Map.of("input", ITEM)).post("/api/v1/executions/" + spec.serviceId() + "?wait=true&timeout=20")
                    .then().statusCode(201).body("latestStatus.status", equalTo("success"))
                    .body("output.ok", equalTo(true)).extract().path("id");
            // the same key again: the execution it made, ended, at once
            dev.request().contentType("application/json").header("Idempotency-Key", key).body(Map.of("input", ITEM))
                    .post("/api/v1/executions/" + spec.serviceId() + "?wait=true&timeout=20").then().statusCode(201)
                    .body("id", equalTo(id)).body("latestStatus.status", equalTo("success"));
        }
        // a call that ends as soon as it is taken: every sync answer still has its end
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(),
                (r, item) -> r.report(item, "success", null, null, Map.of("fast", true), null))) {
            for (int i = 0; i < 20; i++) {
                dev.request().contentType("application/json").body(Map.of("input", ITEM))
                        .post("/api/v1/executions/" + spec.serviceId() + "?wait=true&timeout=20").then()
                        .statusCode(201).body("latestStatus.status", equalTo("success"))
                        .body("output.fast", equalTo(true));
            }
        }
    }

    @Test
    void terminateStopsARunningCallAndEndsAWaitingOne() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        String waiting = create(dev, spec, "run", ITEM);
        dev.request().post("/api/v1/executions/" + waiting + "/terminate").then().statusCode(200)
                .body("latestStatus.status", equalTo("terminated"));

        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) ->
                r.report(item, "in-progress", 10, "working", null, null))) {
            String running = create(dev, spec, "run", ITEM);
            awaitStatus(dev, running, "in-progress");
            dev.request().post("/api/v1/executions/" + running + "/terminate").then().statusCode(200)
                    .body("toTerminate", equalTo(true));
            Eventually.until(Duration.ofSeconds(15), Duration.ofMillis(100), "the replica to hear the terminate",
                    () -> replica.controls.stream().anyMatch(c -> c.executionId().equals(running)));
            RunnerControl control = replica.controls.stream().filter(c -> c.executionId().equals(running)).findFirst()
                    .orElseThrow();
            assertThat(control.type()).isEqualTo(RunnerControl.Type.terminate);
            replica.report(replica.received.stream().filter(w -> w.executionId().equals(running)).findFirst()
                    .orElseThrow(), "terminated", null, null, null, null);
            assertThat(waitFor(dev, running).getString("latestStatus.status")).isEqualTo("terminated");
        }
    }

    @Test
    void progressCanBeReportedOverRestWithTheSameRule() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) ->
                r.report(item, "in-progress", null, "started", null, null))) {
            String id = create(dev, spec, "run", ITEM);
            awaitStatus(dev, id, "in-progress");
            for (int percent : new int[] {4, 7, 9}) {
                dev.request().contentType("application/json").body(Map.of("percentComplete", percent))
                        .post("/api/v1/executions/" + id + "/progress").then().statusCode(200);
            }
            dev.request().contentType("application/json").body(Map.of("percentComplete", 120))
                    .post("/api/v1/executions/" + id + "/progress").then().statusCode(400)
                    .body("field", equalTo("percentComplete"));
            List<Integer> applied = dev.request().get("/api/v1/executions/" + id).then().extract()
                    .path("status.percentComplete");
            assertThat(applied.subList(applied.size() - 2, applied.size())).containsExactly(4, 9);
            // following the logs of a running execution never stops on an empty page; after its end it does
            dev.request().contentType("application/json").body(Map.of("executionId", id, "follow", true))
                    .post("/api/v1/services/logs").then().statusCode(200).body("stop", equalTo(false));
            dev.request().post("/api/v1/executions/" + id + "/terminate").then().statusCode(200);
            replica.report(replica.received.get(0), "terminated", null, null, null, null);
            waitFor(dev, id);
            dev.request().contentType("application/json").body(Map.of("executionId", id, "follow", true))
                    .post("/api/v1/services/logs").then().statusCode(200).body("stop", equalTo(true));
        }
    }

    @Test
    void anExecutionPastItsTimeoutFails() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 3, 1, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) ->
                r.report(item, "in-progress", 1, "slow", null, null))) {
            String id = create(dev, spec, "run", ITEM);
            JsonPath done = waitFor(dev, id);
            assertThat(done.getString("latestStatus.status")).isEqualTo("failed");
            assertThat(done.getString("latestStatus.message")).contains("timed out");
        }
    }

    @Test
    void aLostReplicaFollowsOnReset() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec rerun = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "rerun", true));
        ServiceSpec fail = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        AtomicInteger lost = new AtomicInteger();
        ScriptedReplica dying = new ScriptedReplica(rerun.serviceId(), (r, item) -> {
            r.report(item, "in-progress", 5, "started", null, null);
            lost.incrementAndGet();
            r.die();
        });
        String again = create(dev, rerun, "run", ITEM);
        awaitStatus(dev, again, "in-progress");
        Eventually.until(Duration.ofSeconds(10), Duration.ofMillis(50), "the dying replica to stop", dying::stopped);
        try (ScriptedReplica healthy = new ScriptedReplica(rerun.serviceId(), (r, item) -> {
            if (item.attempt() > 1) {
                r.report(item, "success", null, null, "rescued", null);
            }
        })) {
            JsonPath done = waitFor(dev, again);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getInt("attempts")).isEqualTo(2);
            assertThat(done.getList("status.message").toString()).contains("was lost");
        }
        dying.close();

        ScriptedReplica dyingToo = new ScriptedReplica(fail.serviceId(), (r, item) -> {
            r.report(item, "in-progress", 5, "started", null, null);
            r.die();
        });
        String failed = create(dev, fail, "run", ITEM);
        JsonPath done = waitFor(dev, failed);
        assertThat(done.getString("latestStatus.status")).isEqualTo("failed");
        assertThat(done.getString("latestStatus.message")).contains(dyingToo.replicaId).contains("was lost");
    }

    @Test
    void rerunCurlAndListsAndScoping() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) ->
                r.report(item, "success", null, null, "done", null))) {
            String id = create(dev, spec, "run", ITEM);
            waitFor(dev, id);
            String again = dev.request().post("/api/v1/executions/" + id + "/rerun").then().statusCode(201)
                    .body("functionName", equalTo("run")).body("input.item.item_id", equalTo("item-1"))
                    .extract().path("id");
            assertThat(again).isNotEqualTo(id);
            assertThat(waitFor(dev, again).getString("latestStatus.status")).isEqualTo("success");

            String curl = dev.request().get("/api/v1/executions/" + id + "/curl").then().statusCode(200)
                    .extract().path("curl");
            assertThat(curl).contains("/api/v1/executions/" + spec.serviceId()).contains("\"item_id\":\"item-1\"")
                    .contains("\"functionName\":\"run\"");

            dev.request().get("/api/v1/executions?serviceId=" + spec.serviceId() + "&status=success").then()
                    .statusCode(200).body("items", hasSize(2)).body("items[0].id", equalTo(again));

            Platform.Developer stranger = Platform.developer();
            stranger.request().get("/api/v1/executions/" + id).then().statusCode(404);
            stranger.request().contentType("application/json").body(Map.of("input", ITEM))
                    .post("/api/v1/executions/" + spec.serviceId()).then().statusCode(404);
            io.restassured.RestAssured.given().get("/api/v1/executions/" + id).then().statusCode(401)
                    .contentType("application/problem+json");
        }
    }

    private static void awaitStatus(Platform.Developer dev, String id, String status) {
        Eventually.until(Duration.ofSeconds(15), Duration.ofMillis(100), id + " to become " + status,
                () -> status.equals(dev.request().get("/api/v1/executions/" + id).then().extract()
                        .path("latestStatus.status")));
    }
}
