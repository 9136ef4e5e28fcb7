package dev.runnel.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.local.LocalProcessDriver;
import dev.runnel.testsupport.Eventually;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** The autoscaler driving local replica processes with real executions. */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class AutoscaleTest {

    @Inject
    LocalProcessDriver driver;

    long alive(String serviceId) {
        return driver.replicas(serviceId).stream().filter(LocalProcessDriver.LocalReplica::alive).count();
    }

    /** What the autoscaler logs, as it would be printed. */
    static final class Decisions extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aServiceScalesWithItsWorkToItsMaxAndToZeroWhenIdle() throws Exception {
        Decisions decisions = new Decisions();
        Logger scaling = Logger.getLogger("dev.runnel.operator.autoscale.Scaling");
        scaling.addHandler(decisions);
        try {
            scalesWithItsWork(decisions);
        } finally {
            scaling.removeHandler(decisions);
        }
    }

    private void scalesWithItsWork(Decisions decisions) throws Exception {
        Deployments.Project project = Deployments.project();
        String service = Deployments.deployLab(project, Map.of("runtime", Map.of("concurrency", 1, "autoscaler",
                Map.of("minReplicas", 0, "maxReplicas", 2, "queueLength", 1, "cooldownSeconds", 3))));
        String name = project.as().get("/services/" + service).then().extract().jsonPath().getString("name");
        Eventually.holdsFor(Duration.ofMillis(1500), Duration.ofMillis(100), "no work, min 0: no replica",
                () -> alive(service) == 0);
        assertThat(project.as().get("/services/" + service + "/status").then().extract().jsonPath()
                .getInt("desiredReplicas")).isZero();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(Deployments.execute(project, service, "slow", Map.of("seconds", 2)));
        }
        long most = Eventually.value(Duration.ofSeconds(60), Duration.ofMillis(100), "two replicas for the queued calls",
                () -> alive(service), n -> n >= 2);
        for (String id : ids) {
            assertThat(Deployments.waitFor(project, id).getString("latestStatus.status")).isEqualTo("success");
            most = Math.max(most, alive(service));
        }
        assertThat(most).as("five queued calls, one per replica, max 2").isEqualTo(2);

        Eventually.until(Duration.ofSeconds(60), Duration.ofMillis(200), "idle after the cooldown: scaled to zero",
                () -> alive(service) == 0);

        // work arrives again: a replica comes back for it
        String again = Deployments.execute(project, service, "slow", Map.of("seconds", 0));
        assertThat(Deployments.waitFor(project, again).getString("latestStatus.status")).isEqualTo("success");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("runnel_autoscaler_desired_replicas{service=\"" + service + "\"}")
                .contains("runnel_autoscaler_queued{service=\"" + service + "\"}")
                .contains("runnel_autoscaler_decisions_total{service=\"" + service + "\"}");
        // every change is logged with the inputs it was decided from
        String inputs = "min 0, max 2, queueLength 1, cooldown 3s)";
        assertThat(decisions.lines).filteredOn(line -> line.startsWith("autoscaler of " + name + ": "))
                .anyMatch(line -> line.matches(".*: 2 replicas \\(scale up; queued \\d+, in flight \\d+, needed [2-5], "
                        + java.util.regex.Pattern.quote(inputs)))
                .anyMatch(line -> line.matches(".*: 0 replicas \\(scale down after a cooldown of 3s; queued 0, in flight 0,"
                        + " needed 0, " + java.util.regex.Pattern.quote(inputs)));
    }
}
