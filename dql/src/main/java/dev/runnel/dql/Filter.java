package dev.runnel.dql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A DQL filter (Dataloop's query language, as JSON), compiled once: {@link #test} evaluates it on a
 * document, {@link #toSql} translates it to SQL over a JSONB column with the same results.
 *
 * <ul>
 *   <li>{@code {"field": value}}: equality; several keys all hold; {@code "a.b.c"} is a dotted path;
 *       a string with {@code *} is a glob ({@code *} within a path segment, {@code **} across);
 *       {@code null} matches a missing field too.</li>
 *   <li>{@code {"field": {"$eq"|"$ne"|"$gt"|"$gte"|"$lt"|"$lte"|"$in"|"$nin"|"$exists"|"$match"|"$not": ...}}};
 *       comparisons order numbers, ISO date-times (as instants) or strings, never one kind with another.</li>
 *   <li>{@code {"$and": [...]}}, {@code {"$or": [...]}}, {@code {"$not": {...}}}.</li>
 *   <li>A field holding an array matches when one of its elements does.</li>
 * </ul>
 */
public final class Filter {

    /** The longest {@code $match} pattern taken. */
    static final int MAX_PATTERN_LENGTH = 1000;
    private static final Filter ALL = new Filter(new Node.All(List.of()), NullNode.getInstance());

    private final Node root;
    private final JsonNode source;

    private Filter(Node root, JsonNode source) {
        this.root = root;
        this.source = source;
    }

    /** The filter that matches every document (an absent or empty filter). */
    public static Filter all() {
        return ALL;
    }

    /**
     * Compiles a filter.
     *
     * @param filter a JSON object, or null (or JSON null) for every document
     * @throws DqlException naming the bad part
     */
    public static Filter compile(JsonNode filter) {
        if (filter == null || filter.isNull() || filter.isMissingNode()) {
            return ALL;
        }
        return new Filter(document(filter, "filter"), filter);
    }

    public boolean test(JsonNode document) {
        return root.test(document);
    }

    /** The filter as a SQL boolean over {@code column}, a JSONB expression of the caller's own query. */
    public Sql toSql(String column) {
        List<Object> parameters = new ArrayList<>();
        String where = root.sql(column, parameters);
        return new Sql(where, List.copyOf(parameters));
    }

    /** The filter as it was written. */
    public JsonNode json() {
        return source;
    }

    private static Node document(JsonNode filter, String where) {
        if (!filter.isObject()) {
            throw new DqlException(where, "a filter is a JSON object, not " + kind(filter));
        }
        List<Node> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = filter.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String at = where + "." + key;
            JsonNode value = entry.getValue();
            switch (key) {
                case "$and" -> all.add(new Node.All(list(value, at)));
                case "$or" -> all.add(new Node.Any(list(value, at)));
                case "$not" -> all.add(new Node.Not(document(value, at)));
                default -> {
                    if (key.startsWith("$")) {
                        throw new DqlException(at, "unknown operator " + key + " (expected $and, $or, $not or a field)");
                    }
                    all.add(field(Path.of(key, at), value, at));
                }
            }
        }
        return all.size() == 1 ? all.get(0) : new Node.All(all);
    }

    private static List<Node> list(JsonNode value, String where) {
        if (!value.isArray()) {
            throw new DqlException(where, "takes an array of filters, not " + kind(value));
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            nodes.add(document(value.get(i), where + "[" + i + "]"));
        }
        return nodes;
    }

    private static Node field(Path path, JsonNode value, String where) {
        if (value.isObject() && value.size() > 0 && value.fieldNames().next().startsWith("$")) {
            List<Node> all = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                all.add(operator(path, entry.getKey(), entry.getValue(), where + "." + entry.getKey()));
            }
            return all.size() == 1 ? all.get(0) : new Node.All(all);
        }
        return equality(path, value, where);
    }

    private static Node operator(Path path, String operator, JsonNode operand, String where) {
        return switch (operator) {
            case "$eq" -> equality(path, operand, where);
            case "$ne" -> new Node.Not(equality(path, operand, where));
            case "$gt" -> compare(path, Condition.Op.GT, operand, where);
            case "$gte" -> compare(path, Condition.Op.GTE, operand, where);
            case "$lt" -> compare(path, Condition.Op.LT, operand, where);
            case "$lte" -> compare(path, Condition.Op.LTE, operand, where);
            case "$in" -> in(path, operand, where);
            case "$nin" -> new Node.Not(in(path, operand, where));
            case "$exists" -> {
                if (!operand.isBoolean()) {
                    throw new DqlException(where, "takes true or false, not " + kind(operand));
                }
                Node exists = new Node.Exists(path);
                yield operand.booleanValue() ? exists : new Node.Not(exists);
            }
            case "$match" -> {
                if (!operand.isTextual()) {
                    throw new DqlException(where, "takes a regular expression as a string, not " + kind(operand));
                }
                if (operand.textValue().length() > MAX_PATTERN_LENGTH) {
                    throw new DqlException(where, "a regular expression of at most " + MAX_PATTERN_LENGTH
                            + " characters, not " + operand.textValue().length());
                }
                try {
                    yield new Node.Field(path, new Condition.Matches(Pattern.compile(operand.textValue())));
                } catch (PatternSyntaxException e) {
                    throw new DqlException(where, "not a regular expression: " + e.getDescription());
                }
            }
            case "$not" -> new Node.Not(field(path, operand, where));
            default -> throw new DqlException(where, "unknown operator " + operator + " (expected $eq, $ne, $gt, $gte,"
                    + " $lt, $lte, $in, $nin, $exists, $match or $not)");
        };
    }

    private static Node equality(Path path, JsonNode operand, String where) {
        if (operand.isNull()) {
            // null: the field is missing, or JSON null
            return new Node.Any(List.of(new Node.Not(new Node.Exists(path)),
                    new Node.Field(path, new Condition.Equals(operand))));
        }
        return new Node.Field(path, scalar(operand, where));
    }

    private static Condition scalar(JsonNode operand, String where) {
        if (operand.isArray()) {
            throw new DqlException(where, "an array is not a value to compare with; use $in for any of several");
        }
        if (operand.isObject()) {
            throw new DqlException(where, "an object is not a value to compare with; use dotted paths or operators");
        }
        return Condition.Glob.isGlob(operand) ? Condition.Glob.of(operand.textValue()) : new Condition.Equals(operand);
    }

    private static Node in(Path path, JsonNode operand, String where) {
        if (!operand.isArray()) {
            throw new DqlException(where, "takes an array of values, not " + kind(operand));
        }
        List<Condition> any = new ArrayList<>();
        boolean orNull = false;
        for (int i = 0; i < operand.size(); i++) {
            JsonNode value = operand.get(i);
            if (value.isNull()) {
                orNull = true;
            } else {
                any.add(scalar(value, where + "[" + i + "]"));
            }
        }
        Node field = new Node.Field(path, new Condition.AnyOf(any));
        return orNull ? new Node.Any(List.of(field, equality(path, NullNode.getInstance(), where))) : field;
    }

    private static Node compare(Path path, Condition.Op op, JsonNode operand, String where) {
        if (!operand.isNumber() && !operand.isTextual()) {
            throw new DqlException(where, "compares with a number, a string or an ISO date, not " + kind(operand));
        }
        return new Node.Field(path, new Condition.Compare(op, operand));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }
}
