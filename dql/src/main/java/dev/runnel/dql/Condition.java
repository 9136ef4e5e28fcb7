package dev.runnel.dql;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import java.time.Instant;
import java.util.List;

/** What one value at a field path must satisfy, in memory and as SQL over a JSONB value {@code v}. */
interface Condition {

    boolean test(JsonNode value);

    /** A SQL boolean over the JSONB value {@code v}; appends its parameters. */
    String sql(List<Object> parameters);

    /** ISO 8601 date-times with an offset, as both sides read them. */
    String ISO = "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?"
            + "(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$";

    /** Orders two JSON numbers by value (1 and 1.0 are equal), without allocating for whole numbers. */
    static int compareNumbers(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        return a.decimalValue().compareTo(b.decimalValue());
    }

    /** Equal to a scalar: numbers by value, the rest exactly. */
    record Equals(JsonNode operand) implements Condition {
        @Override
        public boolean test(JsonNode value) {
            if (operand.isNumber() && value.isNumber()) {
                return compareNumbers(value, operand) == 0;
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

    /**
     * A string in which a regular expression finds a match ({@code $match}), by RE2/J: in time linear
     * in the string, whatever the pattern ({@code ^(a+)+$} included), so that one trigger cannot stall
     * matching for everyone. Its syntax is RE2's: no back-references or look-arounds.
     */
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
    record Compare(Op op, JsonNode operand, Instant date) implements Condition {
        Compare(Op op, JsonNode operand) {
            this(op, operand, operand.isTextual() ? instant(operand.textValue()) : null);
        }

        boolean isDate() {
            return date != null;
        }

        @Override
        public boolean test(JsonNode value) {
            if (operand.isNumber()) {
                return value.isNumber() && op.holds(compareNumbers(value, operand));
            }
            if (!value.isTextual()) {
                return false;
            }
            if (isDate()) {
                Instant at = instant(value.textValue());
                return at != null && op.holds(at.compareTo(date));
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

        /**
         * An ISO 8601 date-time with an offset ({@link #ISO}), or null: read by hand, since events
         * carry many dates and a regular expression plus {@code OffsetDateTime.parse} cost more than
         * the rest of a filter.
         */
        static Instant instant(String t) {
            int n = t.length();
            if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                    || t.charAt(16) != ':') {
                return null;
            }
            int year = digits(t, 0, 4);
            int month = digits(t, 5, 2);
            int day = digits(t, 8, 2);
            int hour = digits(t, 11, 2);
            int minute = digits(t, 14, 2);
            int second = digits(t, 17, 2);
            if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                    || minute > 59 || second < 0 || second > 59) {
                return null;
            }
            int i = 19;
            int nanos = 0;
            if (i < n && t.charAt(i) == '.') {
                int start = ++i;
                while (i < n && Character.isDigit(t.charAt(i))) {
                    i++;
                }
                int count = i - start;
                if (count < 1 || count > 9) {
                    return null;
                }
                nanos = digits(t, start, count);
                for (int k = count; k < 9; k++) {
                    nanos *= 10;
                }
            }
            int offset;
            if (i == n - 1 && t.charAt(i) == 'Z') {
                offset = 0;
            } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
                int oh = digits(t, i + 1, 2);
                int om = digits(t, i + 4, 2);
                if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                    return null;
                }
                offset = (t.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            } else {
                return null;
            }
            long days;
            try {
                days = java.time.LocalDate.of(year, month, day).toEpochDay();
            } catch (java.time.DateTimeException e) {
                return null; // 30 February
            }
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second - offset, nanos);
        }

        private static int digits(String t, int from, int count) {
            int value = 0;
            for (int k = from; k < from + count; k++) {
                char c = t.charAt(k);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
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
