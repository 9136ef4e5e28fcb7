package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.WorkItem;
import dev.runnel.execution.execution.AttemptProofs;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * execution-service applies a status report to an execution it wrote last as it remembers the row,
 * guarded by the row's version (RecentRows). Another writer (another instance, a sweeper) changes the
 * row between the creation and the report here: the report must be applied to the row as it is.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class RememberedRowsTest {

    @Inject
    AttemptProofs proofs;

    private static final Map<String, Object> ITEM = Map.of("item", Map.of("item_id", "item-1"));

    /** Changes an execution's row behind this instance's back, as another instance would. */
    private static void elsewhere(String sql, String executionId) {
        try (Connection c = RunnelInfrastructure.postgres().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, executionId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonPath runToTheEnd(Platform.Developer dev, ServiceSpec spec) {
        return ExecutionLifecycleTest.waitFor(dev, ExecutionLifecycleTest.create(dev, spec, "run", ITEM));
    }

    @Test
    void aReportIsAppliedToTheRowAsAnotherWriterLeftIt() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 1, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            elsewhere("UPDATE execution.executions SET to_terminate = true,"
                    + " doc = jsonb_set(doc, '{toTerminate}', 'true') WHERE id = ?", item.executionId());
            r.report(item, "success", null, null, Map.of("ok", true), null);
        })) {
            JsonPath done = runToTheEnd(dev, spec);
            assertThat(done.getString("latestStatus.status")).isEqualTo("success");
            assertThat(done.getBoolean("toTerminate")).as("the other writer's change is kept").isTrue();
            assertThat(done.getList("status.status")).containsExactly("created", "success");
        }
    }

    @Test
    void aReportThatTheRememberedRowWouldIgnoreIsCheckedAgainstTheRow() {
        Platform.Developer dev = Platform.developer();
        ServiceSpec spec = Platform.deploy(dev, Platform.spec(dev.project(), 3, 3600, "failed", true));
        try (ScriptedReplica replica = new ScriptedReplica(spec.serviceId(), (r, item) -> {
            if (item.attempt() != 1) {
                return;
            }
            // another instance started a second attempt (a lost replica, onReset: rerun)
            elsewhere("UPDATE execution.executions SET attempts = 2, doc = jsonb_set(doc, '{attempts}', '2')"
                    + " WHERE id = ?", item.executionId());
            WorkItem second = new WorkItem(item.eventId(), item.executionId(), 2, item.serviceId(), item.serviceVersion(),
                    item.functionName(), item.input(), item.triggerId(), item.event(), item.deadline(),
                    proofs.of(item.executionId(), 2));
            r.report(second, "success", null, null, "second attempt", null);
        })) {
            JsonPath done = runToTheEnd(dev, spec);
            assertThat(done.getString("latestStatus.status")).as("attempt 2's report is not taken for a stale one")
                    .isEqualTo("success");
            assertThat(done.getInt("attempts")).isEqualTo(2);
            assertThat(done.getString("output")).isEqualTo("second attempt");
        }
    }
}
