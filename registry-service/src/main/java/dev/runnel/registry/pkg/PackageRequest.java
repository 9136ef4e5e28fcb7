package dev.runnel.registry.pkg;

import dev.runnel.contracts.Module;
import java.util.List;

/**
 * The body of a push ({@code POST /packages}) or an update ({@code PATCH /packages/{id}}): the seed's
 * package JSON plus {@code projectId} and a codebase, given as {@code codebase: {id}} or
 * {@code codebaseId}. Read-only fields sent back by a client are ignored.
 */
public record PackageRequest(
        String name,
        String projectId,
        CodebaseInput codebase,
        String codebaseId,
        List<Module> modules,
        String description) {

    /** A reference to an uploaded codebase. */
    public record CodebaseInput(String type, String id, String itemId) {
    }

    /** The codebase id the request names, if any. */
    public String codebaseReference() {
        if (codebase != null) {
            return codebase.id() != null ? codebase.id() : codebase.itemId();
        }
        return codebaseId;
    }
}
