package dev.runnel.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Optional;

/**
 * The types a function or init input may declare, and the check of a JSON value against one.
 * Entity types (Item, Dataset, ...) are passed by id: a plain string, or an object holding the id
 * under {@code id} or {@code <type>_id} (e.g. {@code {"item_id": "..."}}). A type ending in
 * {@code []} is an array of that type.
 */
public enum InputType {
    JSON("Json", false),
    ITEM("Item", true),
    DATASET("Dataset", true),
    ANNOTATION("Annotation", true),
    MODEL("Model", true),
    TASK("Task", true),
    ASSIGNMENT("Assignment", true),
    EXECUTION("Execution", true),
    SERVICE("Service", true),
    PACKAGE("Package", true),
    PROJECT("Project", true),
    STRING("String", false),
    NUMBER("Number", false),
    INTEGER("Integer", false),
    FLOAT("Float", false),
    BOOLEAN("Boolean", false);

    private final String wireName;
    private final boolean entity;

    InputType(String wireName, boolean entity) {
        this.wireName = wireName;
        this.entity = entity;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isEntity() {
        return entity;
    }

    /** Finds the scalar type of a declared type, with or without the {@code []} suffix. */
    public static Optional<InputType> of(String declared) {
        if (declared == null) {
            return Optional.empty();
        }
        String base = declared.endsWith("[]") ? declared.substring(0, declared.length() - 2) : declared;
        return Arrays.stream(values()).filter(t -> t.wireName.equals(base)).findFirst();
    }

    public static boolean isArray(String declared) {
        return declared != null && declared.endsWith("[]");
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(InputType::wireName).toList()) + " (or an array: Item[])";
    }

    /**
     * Checks a value against a declared type.
     *
     * @return empty when the value fits, else what was expected
     */
    public static Optional<String> check(String declared, JsonNode value) {
        InputType type = of(declared).orElseThrow(() -> new IllegalArgumentException("unknown type " + declared));
        if (isArray(declared)) {
            if (!value.isArray()) {
                return Optional.of("an array of " + type.wireName);
            }
            for (JsonNode element : value) {
                Optional<String> problem = type.checkOne(element);
                if (problem.isPresent()) {
                    return Optional.of("an array of " + type.wireName + " (an element is not " + problem.get() + ")");
                }
            }
            return Optional.empty();
        }
        return type.checkOne(value);
    }

    private Optional<String> checkOne(JsonNode value) {
        boolean ok = switch (this) {
            case JSON -> true;
            case STRING -> value.isTextual();
            case NUMBER, FLOAT -> value.isNumber();
            case INTEGER -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case BOOLEAN -> value.isBoolean();
            default -> entityId(value).isPresent();
        };
        if (ok) {
            return Optional.empty();
        }
        return Optional.of(switch (this) {
            case STRING -> "a string";
            case NUMBER, FLOAT -> "a number";
            case INTEGER -> "an integer";
            case BOOLEAN -> "a boolean";
            default -> "a " + wireName + " id (a string, or an object with \"id\" or \""
                    + wireName.toLowerCase() + "_id\")";
        });
    }

    /** The id of an entity value, if the value names one. */
    public Optional<String> entityId(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isTextual() && !value.asText().isBlank()) {
            return Optional.of(value.asText());
        }
        if (value.isObject()) {
            for (String field : new String[] {wireName.toLowerCase() + "_id", "id"}) {
                JsonNode id = value.get(field);
                if (id != null && id.isTextual() && !id.asText().isBlank()) {
                    return Optional.of(id.asText());
                }
            }
        }
        return Optional.empty();
    }
}
