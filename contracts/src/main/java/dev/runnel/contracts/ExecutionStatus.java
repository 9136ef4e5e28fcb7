package dev.runnel.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The statuses of an execution and of a replica's report of an attempt, with the seed's JSON names. */
public enum ExecutionStatus {
    CREATED("created", false),
    IN_PROGRESS("in-progress", false),
    SUCCESS("success", true),
    FAILED("failed", true),
    TERMINATED("terminated", true),
    ABORTED("aborted", true),
    CANCELED("canceled", true),
    SYSTEM_FAILURE("system-failure", true);

    private final String json;
    private final boolean terminal;

    ExecutionStatus(String json, boolean terminal) {
        this.json = json;
        this.terminal = terminal;
    }

    /** The name in JSON, in SQL and on the wire. */
    @JsonValue
    public String json() {
        return json;
    }

    /** Whether an execution in this status has ended for good. */
    public boolean terminal() {
        return terminal;
    }

    /** The status of a JSON name; null for a name this version does not know (a newer runner's), which is ignored. */
    @JsonCreator
    public static ExecutionStatus of(String json) {
        for (ExecutionStatus status : values()) {
            if (status.json.equals(json)) {
                return status;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return json;
    }
}
