package dev.runnel.dql;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A dotted field path ({@code metadata.system.mimetype}). Its values in a document follow
 * PostgreSQL's lax JSON path rules, so that the predicate and the SQL agree: a step into an array
 * looks into each of its objects, and an array at the end stands for its elements.
 */
final class Path {

    private final String dotted;
    private final List<String> steps;

    private Path(String dotted, List<String> steps) {
        this.dotted = dotted;
        this.steps = steps;
    }

    static Path of(String dotted, String where) {
        List<String> steps = List.of(dotted.split("\\.", -1));
        for (String step : steps) {
            if (step.isEmpty()) {
                throw new DqlException(where, "'" + dotted + "' is not a field path (an empty step)");
            }
        }
        return new Path(dotted, steps);
    }

    /** The values at this path; with {@code elements}, an array found at the end gives its elements. */
    List<JsonNode> values(JsonNode document, boolean elements) {
        List<JsonNode> current = List.of(document);
        for (String step : steps) {
            List<JsonNode> next = new ArrayList<>(current.size());
            for (JsonNode node : current) {
                if (node.isObject()) {
                    addIfPresent(next, node.get(step));
                } else if (node.isArray()) {
                    for (JsonNode element : node) {
                        if (element.isObject()) {
                            addIfPresent(next, element.get(step));
                        }
                    }
                }
            }
            if (next.isEmpty()) {
                return next;
            }
            current = next;
        }
        if (!elements) {
            return current;
        }
        List<JsonNode> flat = new ArrayList<>(current.size());
        for (JsonNode node : current) {
            if (node.isArray()) {
                node.forEach(flat::add);
            } else {
                flat.add(node);
            }
        }
        return flat;
    }

    /**
     * Whether some value at this path satisfies {@code test}: {@link #values} without building lists,
     * for matching events in the hot path.
     */
    boolean anyValue(JsonNode document, boolean elements, java.util.function.Predicate<JsonNode> test) {
        return any(document, 0, elements, test);
    }

    private boolean any(JsonNode node, int step, boolean elements, java.util.function.Predicate<JsonNode> test) {
        if (step == steps.size()) {
            if (elements && node.isArray()) {
                for (JsonNode element : node) {
                    if (test.test(element)) {
                        return true;
                    }
                }
                return false;
            }
            return test.test(node);
        }
        String name = steps.get(step);
        if (node.isObject()) {
            JsonNode next = node.get(name);
            return next != null && any(next, step + 1, elements, test);
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (element.isObject()) {
                    JsonNode next = element.get(name);
                    if (next != null && any(next, step + 1, elements, test)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void addIfPresent(List<JsonNode> into, JsonNode value) {
        if (value != null) {
            into.add(value);
        }
    }

    /** The same path in PostgreSQL's JSON path language (lax mode), each key quoted. */
    String jsonPath(boolean elements) {
        StringBuilder out = new StringBuilder("$");
        for (String step : steps) {
            out.append(".\"");
            for (char c : step.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }
        return elements ? out.append("[*]").toString() : out.toString();
    }

    @Override
    public String toString() {
        return dotted;
    }
}
