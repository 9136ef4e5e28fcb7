package dev.runnel.dql;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A compiled filter: a predicate over a JSON document and the same predicate as SQL over JSONB. */
interface Node {

    boolean test(JsonNode document);

    /** A SQL boolean over the JSONB expression {@code column}; appends its parameters. */
    String sql(String column, List<Object> parameters);

    record All(List<Node> nodes) implements Node {
        @Override
        public boolean test(JsonNode document) {
            for (Node node : nodes) {
                if (!node.test(document)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String sql(String column, List<Object> parameters) {
            return join(nodes, " AND ", "true", column, parameters);
        }
    }

    record Any(List<Node> nodes) implements Node {
        @Override
        public boolean test(JsonNode document) {
            for (Node node : nodes) {
                if (node.test(document)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String sql(String column, List<Object> parameters) {
            return join(nodes, " OR ", "false", column, parameters);
        }
    }

    record Not(Node node) implements Node {
        @Override
        public boolean test(JsonNode document) {
            return !node.test(document);
        }

        @Override
        public String sql(String column, List<Object> parameters) {
            return "NOT " + node.sql(column, parameters);
        }
    }

    /** Some value at the path (an array's elements, for an array) satisfies the condition. */
    record Field(Path path, Condition condition) implements Node {
        @Override
        public boolean test(JsonNode document) {
            return path.anyValue(document, true, condition::test);
        }

        @Override
        public String sql(String column, List<Object> parameters) {
            parameters.add(path.jsonPath(true));
            String where = condition.sql(parameters);
            return "EXISTS (SELECT 1 FROM jsonb_path_query(" + column + ", CAST(? AS jsonpath)) AS q(v) WHERE " + where
                    + ")";
        }
    }

    /** The path leads to a value, JSON null included. */
    record Exists(Path path) implements Node {
        @Override
        public boolean test(JsonNode document) {
            return path.anyValue(document, false, value -> true);
        }

        @Override
        public String sql(String column, List<Object> parameters) {
            parameters.add(path.jsonPath(false));
            return "jsonb_path_exists(" + column + ", CAST(? AS jsonpath))";
        }
    }

    private static String join(List<Node> nodes, String operator, String empty, String column,
                               List<Object> parameters) {
        if (nodes.isEmpty()) {
            return empty;
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < nodes.size(); i++) {
            out.append(i == 0 ? "" : operator).append(nodes.get(i).sql(column, parameters));
        }
        return out.append(')').toString();
    }
}
