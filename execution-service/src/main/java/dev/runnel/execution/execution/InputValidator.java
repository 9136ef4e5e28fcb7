package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.InputType;
import dev.runnel.contracts.Module;
import dev.runnel.kit.error.Refusal;
import java.util.Iterator;

/** Checks an execution's input against its function's declared inputs and fills in defaults. */
final class InputValidator {

    private InputValidator() {
    }

    static ObjectNode check(Module.Function function, JsonNode given) {
        if (given != null && !given.isNull() && !given.isObject()) {
            throw Refusal.invalid("input", "must be an object of the function's inputs by name");
        }
        ObjectNode input = given == null || given.isNull() ? JsonNodeFactory.instance.objectNode()
                : ((ObjectNode) given).deepCopy();
        Iterator<String> names = input.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (function.input().stream().noneMatch(io -> io.name().equals(name))) {
                throw Refusal.invalid("input." + name, "function '" + function.name() + "' has no input named '"
                        + name + "'");
            }
        }
        for (Module.FunctionIo declared : function.input()) {
            JsonNode value = input.get(declared.name());
            if (value == null || value.isNull()) {
                if (declared.defaultValue() != null && !declared.defaultValue().isNull()) {
                    input.set(declared.name(), declared.defaultValue());
                    continue;
                }
                if (InputType.of(declared.type()).map(t -> t == InputType.JSON).orElse(false)) {
                    continue;
                }
                throw Refusal.invalid("input." + declared.name(), "is required (type " + declared.type() + ")");
            }
            InputType.check(declared.type(), value).ifPresent(expected -> {
                throw Refusal.invalid("input." + declared.name(), "must be " + expected);
            });
        }
        return input;
    }
}
