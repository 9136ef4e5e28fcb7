package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.OnReset;
import dev.runnel.contracts.ServiceSpec;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a replica's {@link ServiceSpec} from its JSON without data binding (see {@link JsonTrees}),
 * to the same record {@code Json.mapper()} makes of it: a missing or null primitive and a value of
 * the wrong JSON type are errors, anything else missing is null. {@code SpecReaderTest} holds it to
 * that for a spec with every field set, and for each field of it left out or null.
 */
final class SpecReader {

    private SpecReader() {
    }

    static ServiceSpec read(String json) throws IOException {
        JsonNode spec = JsonTrees.read(json);
        if (!spec.isObject()) {
            throw new IOException("a service spec is a JSON object");
        }
        return new ServiceSpec(text(spec, "eventId"), text(spec, "serviceId"), text(spec, "projectId"),
                text(spec, "name"), primitive(integer(spec, "version"), "version"),
                primitive(bool(spec, "active"), "active"), text(spec, "packageId"), text(spec, "packageName"),
                primitive(integer(spec, "packageRevision"), "packageRevision"), object(spec, "codebase", SpecReader::codebase),
                object(spec, "module", SpecReader::module), (ObjectNode) object(spec, "initParams", n -> n),
                object(spec, "runtime", SpecReader::runtime), primitive(integer(spec, "maxAttempts"), "maxAttempts"),
                primitive(integer(spec, "executionTimeout"), "executionTimeout"), OnReset.of(text(spec, "onReset")),
                primitive(integer(spec, "drainTime"), "drainTime"),
                text(spec, "botUserName"), instant(spec, "updatedAt"), list(spec, "triggers", n -> n));
    }

    private static CodebaseRef codebase(JsonNode codebase) throws IOException {
        JsonNode size = present(codebase, "size");
        if (size != null && !(size.isIntegralNumber() && size.canConvertToLong())) {
            throw wrongType("size", "an integer");
        }
        return new CodebaseRef(text(codebase, "type"), text(codebase, "id"), text(codebase, "sha256"),
                primitive(size == null ? null : size.longValue(), "size"));
    }

    private static Module module(JsonNode module) throws IOException {
        return new Module(text(module, "name"), text(module, "className"), text(module, "entryPoint"),
                records(module, "initInputs", SpecReader::io), records(module, "functions", SpecReader::function));
    }

    private static Module.Function function(JsonNode function) throws IOException {
        return new Module.Function(text(function, "name"), text(function, "description"),
                records(function, "input", SpecReader::io), records(function, "output", SpecReader::io));
    }

    private static Module.FunctionIo io(JsonNode io) throws IOException {
        // a JSON null default stays a null node, as data binding reads a JsonNode field
        return new Module.FunctionIo(text(io, "name"), text(io, "type"), io.get("defaultValue"),
                text(io, "description"));
    }

    private static Runtime runtime(JsonNode runtime) throws IOException {
        return new Runtime(bool(runtime, "gpu"), integer(runtime, "replicas"), integer(runtime, "concurrency"),
                text(runtime, "runnerImage"), text(runtime, "podType"), object(runtime, "autoscaler",
                a -> new Runtime.Autoscaler(integer(a, "minReplicas"), integer(a, "maxReplicas"),
                        integer(a, "queueLength"), integer(a, "cooldownSeconds"))));
    }

    private interface Reader<T> {
        T read(JsonNode node) throws IOException;
    }

    /** The field's value, or null when it is missing or JSON null. */
    private static JsonNode present(JsonNode parent, String name) {
        JsonNode value = parent.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static String text(JsonNode parent, String name) throws IOException {
        JsonNode value = present(parent, name);
        if (value != null && !value.isTextual()) {
            throw wrongType(name, "a string");
        }
        return value == null ? null : value.textValue();
    }

    private static Integer integer(JsonNode parent, String name) throws IOException {
        JsonNode value = present(parent, name);
        if (value != null && !value.isInt()) {
            throw wrongType(name, "an integer");
        }
        return value == null ? null : Integer.valueOf(value.intValue());
    }

    private static Boolean bool(JsonNode parent, String name) throws IOException {
        JsonNode value = present(parent, name);
        if (value != null && !value.isBoolean()) {
            throw wrongType(name, "true or false");
        }
        return value == null ? null : Boolean.valueOf(value.booleanValue());
    }

    /** A value for a primitive component: data binding refuses a missing one. */
    private static <T> T primitive(T value, String name) throws IOException {
        if (value == null) {
            throw new IOException("the spec has no " + name);
        }
        return value;
    }

    private static Instant instant(JsonNode parent, String name) throws IOException {
        String value = text(parent, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw wrongType(name, "an ISO-8601 instant");
        }
    }

    private static <T> T object(JsonNode parent, String name, Reader<T> reader) throws IOException {
        JsonNode value = present(parent, name);
        if (value != null && !value.isObject()) {
            throw wrongType(name, "an object");
        }
        return value == null ? null : reader.read(value);
    }

    private static <T> List<T> list(JsonNode parent, String name, Reader<T> reader) throws IOException {
        JsonNode value = present(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw wrongType(name, "an array");
        }
        List<T> list = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            list.add(reader.read(element));
        }
        return list;
    }

    private static <T> List<T> records(JsonNode parent, String name, Reader<T> reader) throws IOException {
        return list(parent, name, element -> {
            if (!element.isObject()) {
                throw wrongType(name, "an array of objects");
            }
            return reader.read(element);
        });
    }

    private static IOException wrongType(String name, String expected) {
        return new IOException("the spec's " + name + " is not " + expected);
    }
}
