package dev.runnel.registry.pkg;

import dev.runnel.auth.Caller;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Module;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import dev.runnel.registry.codebase.CodebaseService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;

/** Pushes, updates, lists and deletes packages; every push or update is a new immutable revision. */
@ApplicationScoped
public class PackageService {

    private final PackageRepository packages;
    private final CodebaseService codebases;
    private final Event<PackageDeleting> deleting;

    public PackageService(PackageRepository packages, CodebaseService codebases, Event<PackageDeleting> deleting) {
        this.packages = packages;
        this.codebases = codebases;
        this.deleting = deleting;
    }

    @Transactional
    public PackageDoc push(PackageRequest request, Caller caller) {
        PackageValidator.checkName("name", request.name());
        PackageValidator.checkProjectId(request.projectId());
        caller.mayWrite(request.projectId());
        CodebaseRef codebase = codebase(request.codebaseReference(), request.projectId());
        List<Module> modules = PackageValidator.modules(request.modules(), codebases.files(codebase.id()));
        Instant now = now();
        PackageDoc doc = new PackageDoc(Ids.next(), request.name(), request.projectId(), 1, codebase, modules,
                request.description(), caller.username(), now, now);
        try {
            packages.insert(doc);
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                throw Refusal.conflict("a package named '" + doc.name() + "' already exists in project "
                        + doc.projectId() + "; update it to make a new revision");
            }
            throw e;
        }
        packages.insertRevision(doc);
        return doc;
    }

    @Transactional
    public PackageDoc update(String id, PackageRequest request, Caller caller) {
        PackageDoc current = packages.lock(id).orElseThrow(() -> Refusal.notFound("package", id));
        caller.mayWrite(current.projectId(), () -> Refusal.notFound("package", id));
        if (request.name() != null && !request.name().equals(current.name())) {
            throw Refusal.invalid("name", "a package cannot be renamed; push a new package instead");
        }
        if (request.projectId() != null && !request.projectId().equals(current.projectId())) {
            throw Refusal.invalid("projectId", "a package cannot move to another project");
        }
        CodebaseRef codebase = request.codebaseReference() == null ? current.codebase()
                : codebase(request.codebaseReference(), current.projectId());
        List<Module> modules = PackageValidator.modules(request.modules() == null ? current.modules()
                : request.modules(), codebases.files(codebase.id()));
        PackageDoc next = new PackageDoc(current.id(), current.name(), current.projectId(), current.version() + 1,
                codebase, modules, request.description() == null ? current.description() : request.description(),
                current.creator(), current.createdAt(), now());
        packages.update(next);
        packages.insertRevision(next);
        return next;
    }

    public PackageDoc get(String id, Caller caller) {
        PackageDoc doc = load(id);
        caller.mayRead(doc.projectId(), () -> Refusal.notFound("package", id));
        return doc;
    }

    /** A package, for a caller already allowed to see it. */
    public PackageDoc load(String id) {
        return packages.find(id).orElseThrow(() -> Refusal.notFound("package", id));
    }

    /** A package by name, in a project the caller already may read. */
    public PackageDoc byName(String projectId, String name) {
        return packages.findByName(projectId, name).orElseThrow(() -> Refusal.notFound("package", "'" + name + "' in project " + projectId));
    }

    /** Packages of this name in any of the caller's projects. */
    public List<PackageDoc> byNameInProjectsOf(String name, Caller caller) {
        return packages.findByNameIn(name, caller.projects().keySet());
    }

    public PackageDoc revision(String id, int revision, Caller caller) {
        get(id, caller);
        return revision(id, revision);
    }

    /** One revision of a package, as it was pushed, for a caller already allowed to see it. */
    public PackageDoc revision(String id, int revision) {
        return packages.findRevision(id, revision).orElseThrow(() -> Refusal.notFound("revision", revision + " of package " + id));
    }

    public Page<PackageDoc> list(String projectId, String name, PageRequest page, Caller caller) {
        PackageValidator.checkProjectId(projectId);
        caller.mayRead(projectId);
        return packages.page(projectId, name, page);
    }

    /** A page of the packages in {@code projects} (null: all) that {@code query} selects. */
    public Page<PackageDoc> query(DocumentQuery query, Collection<String> projects) {
        return packages.query(query, projects);
    }

    public Page<PackageDoc> revisions(String id, PageRequest page, Caller caller) {
        get(id, caller);
        return packages.revisions(id, page);
    }

    /** Deletes a package; refused while services run from it, unless forced, which deletes them too. */
    @Transactional
    public void delete(String id, boolean force, Caller caller) {
        String projectId = packages.lock(id).orElseThrow(() -> Refusal.notFound("package", id)).projectId();
        caller.mayWrite(projectId, () -> Refusal.notFound("package", id));
        deleting.fire(new PackageDeleting(id, force));
        packages.delete(id);
    }

    private CodebaseRef codebase(String reference, String projectId) {
        if (reference == null || reference.isBlank()) {
            throw Refusal.invalid("codebase", "is required: upload a zip to /codebases and pass its id as"
                    + " codebase.id");
        }
        return codebases.find(reference, projectId).orElseThrow(() -> Refusal.invalid("codebase.id",
                "project " + projectId + " has no codebase with id '" + reference + "'"));
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
