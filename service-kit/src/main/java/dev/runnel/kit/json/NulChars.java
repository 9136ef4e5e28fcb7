package dev.runnel.kit.json;

/**
 * PostgreSQL stores no NUL character, in text or in jsonb ({@code \u0000} is refused there), and a
 * value it cannot store must not stop the record or the request that carries it. Values that reach
 * the database keep a NUL in escaped form, as the six characters {@code \u0000}; requests that bring
 * one in are refused ({@link NulRefusal}).
 */
public final class NulChars {

    private static final String ESCAPED = "\\u0000";

    private NulChars() {
    }

    /** Text with each NUL character written as the six characters {@code \u0000}. */
    public static String escapeText(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace("\0", ESCAPED);
    }

    /**
     * JSON text in which each {@code \u0000} escape (a NUL in a string) becomes {@code \\u0000}: the
     * string then holds the six characters instead, and jsonb takes it. An escaped backslash followed by
     * {@code u0000} (the six characters already) is left as it is.
     */
    public static String escapeJson(String json) {
        if (json == null || !json.contains(ESCAPED)) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 8);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                if (json.startsWith(ESCAPED, i)) {
                    out.append("\\\\u0000");
                    i += ESCAPED.length() - 1;
                } else {
                    out.append(c).append(json.charAt(i + 1)); // any other escape, kept whole
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
