package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.Module;
import dev.runnel.kit.error.Refusal;
import dev.runnel.registry.pkg.PackageDoc;
import dev.runnel.registry.pkg.PackageService;
import dev.runnel.registry.pkg.PackageValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Which package, revision and module a service request deploys: by package id, or by name (in a
 * project, or the one of the caller's projects that has it), the latest revision or a numbered one.
 * A package the caller may not see answers as one that does not exist.
 */
@ApplicationScoped
public class PackageChoice {

    private final PackageService packages;

    public PackageChoice(PackageService packages) {
        this.packages = packages;
    }

    PackageDoc packageOf(ServiceRequest request, Caller caller) {
        if (request.packageId() != null) {
            try {
                return packages.get(request.packageId(), caller);
            } catch (Refusal e) {
                throw noPackage(request);
            }
        }
        if (request.packageName() != null && request.projectId() == null) {
            List<PackageDoc> named = packages.byNameInProjectsOf(request.packageName(), caller);
            if (named.size() != 1) {
                throw Refusal.invalid("packageName", named.isEmpty()
                        ? "no package named '" + request.packageName() + "'"
                        : "several projects have a package named '" + request.packageName() + "'; give projectId");
            }
            return named.get(0);
        }
        if (request.packageName() != null) {
            PackageValidator.checkProjectId(request.projectId());
            caller.mayRead(request.projectId(), () -> noPackage(request));
            try {
                return packages.byName(request.projectId(), request.packageName());
            } catch (Refusal e) {
                throw noPackage(request);
            }
        }
        throw Refusal.invalid("packageId", "is required (or packageName with projectId)");
    }

    /** The same answer for a package that does not exist and one the caller may not see. */
    static Refusal noPackage(ServiceRequest request) {
        return request.packageId() != null
                ? Refusal.invalid("packageId", "no package with id '" + request.packageId() + "'")
                : Refusal.invalid("packageName", "no package named '" + request.packageName() + "'"
                        + (request.projectId() == null ? "" : " in project " + request.projectId()));
    }

    /** A revision of a package: {@code requested} is null or "latest", or a revision number. */
    PackageDoc revisionOf(PackageDoc pkg, JsonNode requested) {
        if (requested == null || requested.isNull()
                || (requested.isTextual() && requested.asText().equals("latest"))) {
            return packages.revision(pkg.id(), pkg.version());
        }
        if (!requested.isIntegralNumber() && !(requested.isTextual() && requested.asText().matches("\\d{1,9}"))) {
            throw Refusal.invalid("packageRevision", "must be \"latest\" or a revision number");
        }
        int number = requested.isTextual() ? Integer.parseInt(requested.asText()) : requested.asInt();
        if (number < 1 || number > pkg.version()) {
            throw Refusal.invalid("packageRevision", "package '" + pkg.name() + "' has revisions 1 to "
                    + pkg.version() + ", not " + number);
        }
        return packages.revision(pkg.id(), number);
    }

    /** A revision of the package, by number. */
    PackageDoc revision(String packageId, int revision) {
        return packages.revision(packageId, revision);
    }

    /** The latest revision of the package, or the one {@code requested}. */
    PackageDoc revisionOf(String packageId, JsonNode requested) {
        return revisionOf(packages.load(packageId), requested);
    }

    static Module module(PackageDoc revision, String moduleName) {
        Module module = revision.module(moduleName);
        if (module == null) {
            throw Refusal.invalid("moduleName", "revision " + revision.version() + " of package '"
                    + revision.name() + "' has no module '" + moduleName + "'");
        }
        return module;
    }
}
