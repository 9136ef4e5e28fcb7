package dev.runnel.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.trigger.cron.CronFirer;
import dev.runnel.trigger.trigger.Cron;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Cron triggers. The window lies in 2030, so the firer's own ticks (at today's time) never fire
 * them; the test ticks at the times it wants, as a clock in 2030 would.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class CronTriggerTest {

    @Inject
    CronFirer firer;

    @Test
    void firesAtItsTimesWithinItsWindowOnceAcrossReplicas() throws Exception {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = dev.request().body(Map.of("type", "Cron", "name", "every-5", "spec", Map.of(
                "cron", "*/5 * * * *", "startAt", "2030-01-01T00:00:00Z", "endAt", "2030-01-01T01:00:00Z",
                "input", Map.of("note", "tick"), "operation", Map.of("serviceId", service.serviceId(),
                        "functionName", "tick")))).post("/api/v1/triggers").then().statusCode(201).extract().path("id");

        assertThat(firer.tick(Instant.parse("2029-12-31T23:59:00Z"))).as("before the window").isZero();
        assertThat(firer.tick(Instant.parse("2030-01-01T00:00:20Z"))).isEqualTo(1);
        assertThat(firer.tick(Instant.parse("2030-01-01T00:00:40Z"))).as("a time fires once").isZero();
        // two replicas ticking at once: the compare-and-set in PostgreSQL lets one fire
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> firer.tick(Instant.parse("2030-01-01T00:05:01Z")));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> firer.tick(Instant.parse("2030-01-01T00:05:01Z")));
        assertThat(a.get() + b.get()).isEqualTo(1);
        // after the window: the last time in it was missed, and fires once
        assertThat(firer.tick(Instant.parse("2030-01-01T03:00:00Z"))).isEqualTo(1);
        assertThat(firer.tick(Instant.parse("2030-01-01T04:00:00Z"))).as("nothing after endAt").isZero();

        List<JsonNode> requests = World.exactly(service, 3);
        assertThat(requests).hasSize(3);
        assertThat(requests.stream().map(r -> r.path("idempotencyKey").asText())).containsExactly(
                trigger + ":2030-01-01T00:00:00Z", trigger + ":2030-01-01T00:05:00Z", trigger + ":2030-01-01T01:00:00Z");
        assertThat(requests.get(0).path("input").path("note").asText()).isEqualTo("tick");
        assertThat(requests.get(0).path("functionName").asText()).isEqualTo("tick");
        assertThat(requests.get(2).path("event").path("missed").asBoolean()).isTrue();
    }

    @Test
    void aTriggerThatSkipsMissedTimesDoesNotFireThem() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        dev.request().body(Map.of("type", "Cron", "name", "hourly", "spec", Map.of("cron", "0 * * * *",
                "startAt", "2030-02-01T00:00:00Z", "missed", "skip", "operation", Map.of("serviceId",
                        service.serviceId(), "functionName", "tick")))).post("/api/v1/triggers").then().statusCode(201);
        assertThat(firer.tick(Instant.parse("2030-02-01T05:30:00Z"))).as("05:00 was missed").isZero();
        assertThat(firer.tick(Instant.parse("2030-02-01T06:00:10Z"))).isEqualTo(1);
        assertThat(World.exactly(service, 1)).hasSize(1);
    }

    @Test
    void aZonedTriggerFiresAtItsWallClockTimeAcrossADaylightSavingChange() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = dev.request().body(Map.of("type", "Cron", "name", "nine-in-new-york", "spec", Map.of(
                "cron", "0 9 * * *", "timeZone", "America/New_York", "startAt", "2030-03-09T12:00:00Z",
                "missed", "skip", "operation", Map.of("serviceId", service.serviceId(), "functionName", "tick"))))
                .post("/api/v1/triggers").then().statusCode(201).extract().path("id");
        // 09:00 in New York is 14:00Z on 9 March (EST) and 13:00Z on 10 March (EDT from that night);
        // other tests' triggers may fire at these ticks too, so only this service's requests are counted
        for (String tick : List.of("2030-03-09T13:59:30Z", "2030-03-09T14:00:10Z", "2030-03-10T12:59:50Z",
                "2030-03-10T13:00:10Z")) {
            firer.tick(Instant.parse(tick));
        }
        assertThat(World.exactly(service, 2).stream().map(r -> r.path("idempotencyKey").asText()))
                .containsExactly(trigger + ":2030-03-09T14:00:00Z", trigger + ":2030-03-10T13:00:00Z");
    }

    @Test
    void cronExpressions() {
        ZoneId utc = ZoneId.of("UTC");
        assertThat(Cron.parse("0 5 * * *").next(Instant.parse("2030-01-01T05:00:00Z"), utc))
                .isEqualTo(Instant.parse("2030-01-02T05:00:00Z"));
        assertThat(Cron.parse("30 9 * * MON-FRI").next(Instant.parse("2030-01-04T10:00:00Z"), utc))
                .as("2030-01-04 is a Friday").isEqualTo(Instant.parse("2030-01-07T09:30:00Z"));
        assertThat(Cron.parse("0 0 1 JAN *").next(Instant.parse("2030-06-01T00:00:00Z"), utc))
                .isEqualTo(Instant.parse("2031-01-01T00:00:00Z"));
        assertThat(Cron.parse("0 12 * * *").next(Instant.parse("2030-07-01T00:00:00Z"), ZoneId.of("Europe/Paris")))
                .as("noon in Paris in summer").isEqualTo(Instant.parse("2030-07-01T10:00:00Z"));
        assertThat(Cron.parse("0 0 13 * 5").next(Instant.parse("2030-01-01T00:00:00Z"), utc))
                .as("day of month or day of week").isEqualTo(Instant.parse("2030-01-04T00:00:00Z"));
        assertThat(Cron.parse("0 0 30 2 *").next(Instant.parse("2030-01-01T00:00:00Z"), utc)).isNull();
    }
}
