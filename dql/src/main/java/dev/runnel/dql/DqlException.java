package dev.runnel.dql;

/** A filter that cannot be compiled; {@link #where()} points at the bad part ({@code filter.$and[1].size.$gt}). */
public final class DqlException extends IllegalArgumentException {

    private final String where;

    DqlException(String where, String message) {
        super(where + ": " + message);
        this.where = where;
    }

    /** The place of the bad part in the filter, as a path from its root. */
    public String where() {
        return where;
    }
}
