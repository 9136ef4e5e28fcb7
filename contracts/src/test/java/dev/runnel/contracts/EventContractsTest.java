package dev.runnel.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event of the execution flow: its golden file round-trips through its record and matches its schema. */
class EventContractsTest {

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of(ExecutionRequest.class, ExecutionRequest.SCHEMA, "execution-request.v1.json"),
                Arguments.of(WorkItem.class, WorkItem.SCHEMA, "work-item.v1.json"),
                Arguments.of(ExecutionStatusUpdate.class, ExecutionStatusUpdate.SCHEMA, "execution-status.v1.json"),
                Arguments.of(ExecutionEvent.class, ExecutionEvent.SCHEMA, "execution-event.v1.json"),
                Arguments.of(RunnerControl.class, RunnerControl.SCHEMA, "runner-control.v1.json"),
                Arguments.of(ReplicaHeartbeat.class, ReplicaHeartbeat.SCHEMA, "replica-heartbeat.v1.json"),
                Arguments.of(ExecutionLogLines.class, ExecutionLogLines.SCHEMA, "execution-logs.v1.json"),
                Arguments.of(ServiceStatus.class, ServiceStatus.SCHEMA, "service-status.v1.json"),
                Arguments.of(DeadLetterRedrive.class, DeadLetterRedrive.SCHEMA, "dead-letter-redrive.v1.json"));
    }

    private static JsonNode resource(String path) throws IOException {
        try (InputStream in = EventContractsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return Json.mapper().readTree(in);
        }
    }

    @ParameterizedTest
    @MethodSource("events")
    void goldenFileRoundTripsAndMatchesItsSchema(Class<?> type, String schemaPath, String golden) throws IOException {
        JsonNode expected = resource("golden/" + golden);
        Object event = Json.mapper().treeToValue(expected, type);
        JsonNode written = Json.mapper().readTree(Json.mapper().writeValueAsString(event));
        assertThat(written).isEqualTo(expected);
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(resource(schemaPath));
        assertThat(schema.validate(expected)).isEmpty();

        ObjectNode missing = expected.deepCopy();
        missing.remove("eventId");
        assertThat(schema.validate(missing)).as("eventId is required").isNotEmpty();
    }
}
