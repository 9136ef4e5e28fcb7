package dev.runnel.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What happens to the executions in flight on a replica that was lost: they fail, or run again. */
public enum OnReset {
    FAILED("failed"),
    RERUN("rerun");

    private final String json;

    OnReset(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    /** The value of a JSON name, or null when there is none. */
    @JsonCreator
    public static OnReset of(String json) {
        for (OnReset value : values()) {
            if (value.json.equals(json)) {
                return value;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return json;
    }
}
