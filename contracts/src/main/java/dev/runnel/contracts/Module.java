package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** A module of a package: which file and class to load, its init inputs and its functions. */
public record Module(
        String name,
        String className,
        String entryPoint,
        List<FunctionIo> initInputs,
        List<Function> functions) {

    public static final String DEFAULT_NAME = "default_module";
    public static final String DEFAULT_CLASS_NAME = "ServiceRunner";
    public static final String DEFAULT_ENTRY_POINT = "main.py";

    /** A function of the module's class that can be executed remotely. */
    public record Function(String name, String description, List<FunctionIo> input, List<FunctionIo> output) {
    }

    /** One input (or output) of a function or of the init method. */
    public record FunctionIo(String name, String type, JsonNode defaultValue,
                             String description) {
    }

    public Optional<Function> function(String functionName) {
        return functions == null ? Optional.empty()
                : functions.stream().filter(f -> f.name().equals(functionName)).findFirst();
    }
}
