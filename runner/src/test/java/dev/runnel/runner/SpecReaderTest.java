package dev.runnel.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.ServiceSpec;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replica's own spec reader makes the record that data binding makes, for every field. */
class SpecReaderTest {

    static ServiceSpec everyField() throws IOException {
        ObjectNode initParams = (ObjectNode) Json.mapper().readTree(
                "{\"model\":\"yolo\",\"threshold\":0.5,\"sizes\":[1,2,3],\"big\":12345678901234,\"on\":true,"
                        + "\"nested\":{\"a\":null,\"b\":\"é \\\" \\n\"}}");
        Module.FunctionIo item = new Module.FunctionIo("item", "Item", Json.mapper().readTree("{\"item_id\":\"i1\"}"),
                "the item");
        Module.FunctionIo count = new Module.FunctionIo("count", "Integer", Json.mapper().readTree("3"), "how many");
        Module.FunctionIo out = new Module.FunctionIo("labels", "Json", Json.mapper().readTree("[\"a\"]"), "labels");
        Module module = new Module("default_module", "ServiceRunner", "src/main.py", List.of(count),
                List.of(new Module.Function("detect", "finds things", List.of(item, count), List.of(out)),
                        new Module.Function("run", "runs", List.of(item), List.of(out))));
        Runtime runtime = new Runtime(true, 2, 8, "runnel/runner:0.1.0", "gpu-t4",
                new Runtime.Autoscaler(0, 5, 10, 60));
        return new ServiceSpec("event-1", "service-1", "project-1", "detector", 7, true, "package-1", "vision", 3,
                new CodebaseRef("blob", "c0de", "ab".repeat(32), 12_345_678_901L), module, initParams, runtime, 3,
                3600, OnReset.RERUN, 600, "bot@project-1", Instant.parse("2026-11-25T17:31:43.123456Z"),
                List.of(Json.mapper().readTree("{\"name\":\"on-item\",\"filter\":{\"metadata.x\":1}}")));
    }

    private static ServiceSpec bound(String json) throws IOException {
        return Json.mapper().readValue(json, ServiceSpec.class);
    }

    @Test
    void aSpecWithEveryFieldSetReadsAsDataBindingReadsIt() throws Exception {
        ServiceSpec spec = everyField();
        assertEveryComponentSet(spec);
        String json = Json.mapper().writeValueAsString(spec);
        assertThat(SpecReader.read(json)).isEqualTo(bound(json)).isEqualTo(spec);
    }

    @Test
    void eachFieldLeftOutOrNullReadsOrFailsAsWithDataBinding() throws Exception {
        ObjectNode spec = Json.mapper().valueToTree(everyField());
        List<String> checked = new ArrayList<>();
        forEachField(spec, "", (path, parent, name) -> {
            JsonNode value = parent.get(name);
            for (JsonNode replacement : java.util.Arrays.asList(null, NullNode.instance)) {
                if (replacement == null) {
                    parent.remove(name);
                } else {
                    parent.set(name, replacement);
                }
                String json = spec.toString();
                assertSameOutcome(json);
                parent.set(name, value);
            }
            checked.add(path);
        });
        assertThat(checked).contains("/updatedAt", "/codebase/size", "/module/functions/0/input/1/defaultValue",
                "/runtime/autoscaler/cooldownSeconds", "/initParams/nested/b");
        for (String json : List.of(Json.mapper().writeValueAsString(everyField()).replace("\"triggers\":[",
                        "\"triggers\":[null,"),
                Files.readString(Path.of(WarmUp.sample().get("RUNNEL_SPEC_FILE"))))) {
            assertSameOutcome(json);
        }
    }

    private static void assertSameOutcome(String json) throws IOException {
        ServiceSpec expected;
        try {
            expected = bound(json);
        } catch (IOException refused) {
            assertThatThrownBy(() -> SpecReader.read(json)).as(json).isInstanceOf(IOException.class);
            return;
        }
        assertThat(SpecReader.read(json)).as(json).isEqualTo(expected);
    }

    private interface FieldVisitor {
        void visit(String path, ObjectNode parent, String name) throws IOException;
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every field of every object in {@code node}, arrays included, depth first. */
    private static void forEachField(JsonNode node, String path, FieldVisitor visitor) throws IOException {
        if (node.isObject()) {
            for (String name : iterable(node)) {
                forEachField(node.get(name), path + "/" + name, visitor);
                visitor.visit(path + "/" + name, (ObjectNode) node, name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                forEachField(node.get(i), path + "/" + i, visitor);
            }
        }
    }

    @Test
    void treesReadAndWrittenWithoutDataBindingAreTheOnesDataBindingMakes() throws Exception {
        for (String json : List.of("{\"type\":\"ready\"}", "[1,-2,3000000000,12345678901234567890123,0.25,-1e300]",
                "{\"a\":{\"b\":[true,false,null,\"\\u00e9\\t\\\"x\\\"\"]},\"c\":{}}", "\"text\"", "42", "null")) {
            JsonNode tree = JsonTrees.read(json);
            assertThat(tree).as(json).isEqualTo(Json.mapper().readTree(json));
            assertThat(Json.mapper().readTree(JsonTrees.write(tree))).as(json).isEqualTo(tree);
        }
        assertThatThrownBy(() -> JsonTrees.read("")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonTrees.read("{\"a\":1} 2")).isInstanceOf(IOException.class);
    }

    @Test
    void theRunnerReadsItsSpecFileWithIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.json");
        Files.writeString(file, Json.mapper().writeValueAsString(everyField()));
        RunnerConfig config = RunnerConfig.fromEnvironment(Map.of("RUNNEL_SPEC_FILE", file.toString(),
                "RUNNEL_KAFKA", "k:9092", "RUNNEL_API", "http://api", "RUNNEL_BOT_CREDENTIAL", "key",
                "RUNNEL_RUNTIME_DIR", dir.toString(), "RUNNEL_KAFKA_USERNAME", "replica-s1",
                "RUNNEL_KAFKA_PASSWORD", "secret"));
        assertThat(config.spec()).isEqualTo(everyField());
        assertThat(config.kafkaLogin().username()).isEqualTo("replica-s1");
        assertThat(config.kafkaLogin().settings()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    }

    /** Every component of the record, and of the records and lists of records in it, is set. */
    private static void assertEveryComponentSet(Record record) throws Exception {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = component.getAccessor().invoke(record);
            assertThat(value).as(record.getClass().getSimpleName() + "." + component.getName()).isNotNull();
            if (value instanceof Record nested) {
                assertEveryComponentSet(nested);
            } else if (value instanceof List<?> list) {
                assertThat(list).as(component.getName()).isNotEmpty();
                for (Object element : list) {
                    if (element instanceof Record nested) {
                        assertEveryComponentSet(nested);
                    }
                }
            }
        }
    }
}
