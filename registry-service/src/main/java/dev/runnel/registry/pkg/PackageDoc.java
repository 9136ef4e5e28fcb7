package dev.runnel.registry.pkg;

import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Module;
import java.time.Instant;
import java.util.List;

/** A package as the API shows it and as each revision keeps it; {@code version} is its revision. */
public record PackageDoc(
        String id,
        String name,
        String projectId,
        int version,
        CodebaseRef codebase,
        List<Module> modules,
        String description,
        String creator,
        Instant createdAt,
        Instant updatedAt) {

    public Module module(String moduleName) {
        return modules.stream().filter(m -> m.name().equals(moduleName)).findFirst().orElse(null);
    }
}
