package dev.runnel.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.ServiceProcess;
import io.restassured.RestAssured;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two trigger-service replicas (this module's jar, twice) on one Kafka and one PostgreSQL: a trigger
 * changed through one is followed by the other, they share the events, and a cron time fires once.
 */
class TwoReplicasIT {

    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void replicas() {
        String bot = RunnelPlatform.botServiceUrl();
        Map<String, String> env = Map.of(
                "RUNNEL_KAFKA", RunnelInfrastructure.kafka().bootstrapServers(),
                "RUNNEL_JWKS_URL", bot + "/api/v1/.well-known/jwks.json",
                "RUNNEL_OUTBOX_INTERVAL", "0.2s",
                "RUNNEL_TRIGGER_CRON_TICK", "0.2s");
        a = ServiceProcess.start("trigger-service", env);
        b = ServiceProcess.start("trigger-service", env);
        RestAssured.baseURI = a.url();
        RestAssured.port = -1;
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess p : new ServiceProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        RestAssured.reset();
    }

    @Test
    void replicasFollowEachOthersChangesAndShareTheEvents() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        String trigger = World.eventTrigger(dev, service, "run", "Item", List.of("Updated"), "Always", null);
        sameTriggersKnown(); // the new trigger reaches b through runnel.triggers.v1

        // events of many keys spread over the partitions, and so over both replicas
        for (int i = 0; i < 60; i++) {
            World.event("item-" + i, dev, "Item.Updated", "item-" + i, Map.of("id", "item-" + i));
        }
        assertThat(World.exactly(service, 60)).hasSize(60);
        assertThat(fired(a)).as("replica a matched some").isPositive();
        assertThat(fired(b)).as("replica b matched some").isPositive();

        // deactivated through b: a stops firing it too
        dev.request().baseUri(b.url()).post("/api/v1/triggers/" + trigger + "/deactivate").then().statusCode(200);
        sameTriggersKnown();
        for (int i = 0; i < 30; i++) {
            World.event("off-" + i, dev, "Item.Updated", "off-" + i, Map.of("id", "off-" + i));
        }
        assertThat(World.exactly(service, 60)).hasSize(60);
    }

    @Test
    void aCronTimeFiresOnceWithTwoReplicasRunning() {
        World.Developer dev = World.developer();
        ServiceSpec service = World.service(dev, true);
        Instant now = Instant.now();
        String trigger = dev.request().body(Map.of("type", "Cron", "name", "each-minute-" + UUID.randomUUID(),
                "spec", Map.of("cron", "* * * * *", "endAt", now.plus(2, ChronoUnit.MINUTES).toString(),
                        "operation", Map.of("serviceId", service.serviceId(), "functionName", "tick"))))
                .post("/api/v1/triggers").then().statusCode(201).extract().path("id");
        sameTriggersKnown(); // both replicas know the trigger
        List<JsonNode> requests = World.requests(service, r -> !r.isEmpty(), Duration.ofSeconds(75));
        assertThat(requests).as("the next minute fired").isNotEmpty();
        String firstKey = requests.get(0).path("idempotencyKey").asText();
        // while both replicas tick many times, that time stays fired once
        Eventually.holdsFor(Duration.ofSeconds(3), Duration.ofMillis(500), "one request for " + firstKey
                + " across both replicas", () -> World.requests(service, r -> false, Duration.ofMillis(200)).stream()
                .filter(r -> r.path("idempotencyKey").asText().equals(firstKey)).count() == 1);
        assertThat(firstKey).startsWith(trigger + ":");
    }

    /** Waits until both replicas know the same triggers, the same of them active (their index gauges). */
    private static void sameTriggersKnown() {
        Eventually.until(Duration.ofSeconds(20), Duration.ofMillis(100), "both replicas to know the same triggers",
                () -> metric(a, "runnel_trigger_index_triggers") == metric(b, "runnel_trigger_index_triggers")
                        && metric(a, "runnel_trigger_index_active") == metric(b, "runnel_trigger_index_active"));
    }

    private static double metric(ServiceProcess replica, String name) {
        String metrics = RestAssured.given().baseUri(replica.url()).get("/q/metrics").then().statusCode(200).extract()
                .asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.E]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    private static double fired(ServiceProcess replica) {
        String metrics = RestAssured.given().baseUri(replica.url()).get("/q/metrics").then().statusCode(200).extract()
                .asString();
        Matcher m = Pattern.compile("runnel_trigger_fired_total\\{[^}]*type=\"Event\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
