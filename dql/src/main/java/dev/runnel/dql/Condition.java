package dev.runnel.dql;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/** What one value at a field path must satisfy, in memory and as SQL over a JSONB value {@code v}. */
interface Condition {

    boolean test(JsonNode value);

    /** A SQL boolean over the JSONB value {@code v}; appends its parameters. */
    String sql(List<Object> parameters);

    /** ISO 8601 date-times with an offset, as both sides read them. */
    String ISO = "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?"
            + "(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$";
    Pattern ISO_PATTERN = Pattern.compile(ISO);

    /** Equal to a scalar: numbers by value, the rest exactly. */
    record Equals(JsonNode operand) implements Condition {
        @Override
        public boolean test(JsonNode value) {
            if (operand.isNumber() && value.isNumber()) {
                return operand.decimalValue().compareTo(value.decimalValue()) == 0;
            }
            return operand.equals(value);
        }

        @Override
        public String sql(List<Object> parameters) {
            parameters.add(operand.toString());
            return "v = CAST(? AS jsonb)";
        }
    }

    /**
     * A string matching a glob: {@code *} is any run of characters but {@code /}, {@code **} any run
     * at all ({@code video/*}, {@code /input/**}).
     */
    record Glob(String glob, Pattern pattern, String regex) implements Condition {
        static Glob of(String glob) {
            StringBuilder regex = new StringBuilder("^");
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*') {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                } else if (Character.isLetterOrDigit(c) || c == '/' || c == ' ' || c == '_' || c == '-') {
                    regex.append(c);
                } else {
                    // escaped the same way in Java and PostgreSQL regular expressions
                    regex.append(c < 0x80 ? "\\" + c : String.valueOf(c));
                }
            }
            String text = regex.append('$').toString();
            return new Glob(glob, Pattern.compile(text, Pattern.DOTALL), text);
        }

        static boolean isGlob(JsonNode operand) {
            return operand.isTextual() && operand.textValue().contains("*");
        }

        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && pattern.matcher(value.textValue()).matches();
        }

        @Override
        public String sql(List<Object> parameters) {
            parameters.add(regex);
            return "(jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ ?)";
        }
    }

    /** A string in which a regular expression finds a match ({@code $match}). */
    record Matches(Pattern pattern) implements Condition {
        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && pattern.matcher(value.textValue()).find();
        }

        @Override
        public String sql(List<Object> parameters) {
            parameters.add(pattern.pattern());
            return "(jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ ?)";
        }
    }

    /** {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}. */
    enum Op {
        GT(">"), GTE(">="), LT("<"), LTE("<=");

        final String sql;

        Op(String sql) {
            this.sql = sql;
        }

        boolean holds(int comparison) {
            return switch (this) {
                case GT -> comparison > 0;
                case GTE -> comparison >= 0;
                case LT -> comparison < 0;
                case LTE -> comparison <= 0;
            };
        }
    }

    /** Greater or less than a number (numbers only), an ISO date (dates only) or a string (strings, by code point). */
    record Compare(Op op, JsonNode operand) implements Condition {
        boolean isDate() {
            return operand.isTextual() && ISO_PATTERN.matcher(operand.textValue()).matches();
        }

        @Override
        public boolean test(JsonNode value) {
            if (operand.isNumber()) {
                return value.isNumber() && op.holds(value.decimalValue().compareTo(operand.decimalValue()));
            }
            if (!value.isTextual()) {
                return false;
            }
            if (isDate()) {
                Instant at = instant(value.textValue());
                return at != null && op.holds(at.compareTo(instant(operand.textValue())));
            }
            return op.holds(Integer.signum(compareCodePoints(value.textValue(), operand.textValue())));
        }

        @Override
        public String sql(List<Object> parameters) {
            if (operand.isNumber()) {
                parameters.add(operand.decimalValue());
                return "CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric " + op.sql + " ? ELSE false END";
            }
            if (isDate()) {
                parameters.add(ISO);
                parameters.add(operand.textValue());
                return "CASE WHEN jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ ? THEN (v #>> '{}')::timestamptz "
                        + op.sql + " CAST(? AS timestamptz) ELSE false END";
            }
            parameters.add(operand.textValue());
            return "CASE WHEN jsonb_typeof(v) = 'string' THEN (v #>> '{}') COLLATE \"C\" " + op.sql + " ? ELSE false END";
        }

        static Instant instant(String text) {
            if (!ISO_PATTERN.matcher(text).matches()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        /** The order of PostgreSQL's "C" collation on UTF-8: by code point. */
        static int compareCodePoints(String a, String b) {
            int i = 0;
            int j = 0;
            while (i < a.length() && j < b.length()) {
                int x = a.codePointAt(i);
                int y = b.codePointAt(j);
                if (x != y) {
                    return Integer.compare(x, y);
                }
                i += Character.charCount(x);
                j += Character.charCount(y);
            }
            return Integer.compare(a.length() - i, b.length() - j);
        }
    }

    /** Any of several conditions ({@code $in}). */
    record AnyOf(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(JsonNode value) {
            for (Condition c : conditions) {
                if (c.test(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String sql(List<Object> parameters) {
            if (conditions.isEmpty()) {
                return "false";
            }
            StringBuilder out = new StringBuilder("(");
            for (int i = 0; i < conditions.size(); i++) {
                out.append(i == 0 ? "" : " OR ").append(conditions.get(i).sql(parameters));
            }
            return out.append(')').toString();
        }
    }

}
