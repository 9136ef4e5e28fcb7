package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.Module;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import dev.runnel.registry.pkg.PackageDeleting;
import dev.runnel.registry.pkg.PackageDoc;
import dev.runnel.registry.pkg.PackageValidator;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Deploys, updates, restores, stops, resumes and deletes services. Every change that alters the
 * deployable spec makes a new version kept in the revisions; every change is published on
 * {@code service-specs} through the outbox, in the same transaction.
 */
@ApplicationScoped
public class DeploymentService {

    private final ServiceRepository services;
    private final ServiceSpecs specs;
    private final PackageChoice packages;
    private final BotBinding bots;
    private final TriggerCheck triggers;
    private final ProjectQuotas quotas;

    public DeploymentService(ServiceRepository services, ServiceSpecs specs, PackageChoice packages, BotBinding bots,
                             TriggerCheck triggers, ProjectQuotas quotas) {
        this.quotas = quotas;
        this.services = services;
        this.specs = specs;
        this.packages = packages;
        this.bots = bots;
        this.triggers = triggers;
    }

    /**
     * Deploys a module as a new service. The checks that ask other services (the bot, the triggers)
     * run before the transaction, which only writes: no database connection or lock waits on them.
     */
    public ServiceDoc deploy(ServiceRequest request, Caller caller) {
        PackageValidator.checkName("name", request.name());
        PackageDoc pkg = packages.packageOf(request, caller);
        if (request.projectId() != null && !request.projectId().equals(pkg.projectId())) {
            throw Refusal.invalid("projectId", "the package belongs to project " + pkg.projectId());
        }
        caller.mayWrite(pkg.projectId(), () -> PackageChoice.noPackage(request));
        PackageDoc revision = packages.revisionOf(pkg, request.packageRevision());
        String moduleName = request.moduleName() == null ? Module.DEFAULT_NAME : request.moduleName();
        Module module = PackageChoice.module(revision, moduleName);
        List<JsonNode> serviceTriggers = triggers.check(request.triggers(), pkg.projectId(), null, module, caller);
        Instant now = now();
        ServiceDoc doc = new ServiceDoc(Ids.next(), request.name(), pkg.projectId(), pkg.id(), pkg.name(),
                revision.version(), moduleName, 1, request.active() == null || request.active(),
                ServiceValidator.runtime(request.runtime(), ServiceValidator.defaults()),
                ServiceValidator.initParams(request.initParams(), module),
                ServiceValidator.maxAttempts(request.maxAttempts(), ServiceValidator.DEFAULT_MAX_ATTEMPTS),
                ServiceValidator.executionTimeout(request.executionTimeout(), ServiceValidator.DEFAULT_EXECUTION_TIMEOUT),
                ServiceValidator.onReset(request.onReset(), ServiceValidator.DEFAULT_ON_RESET),
                ServiceValidator.drainTime(request.drainTime(), ServiceValidator.DEFAULT_DRAIN_TIME),
                bots.bind(pkg.projectId(), request.botUserName(), caller), caller.username(), now, now,
                serviceTriggers);
        return QuarkusTransaction.requiringNew().call(() -> {
            quotas.check(doc);
            try {
                services.insert(doc);
            } catch (Db.DbException e) {
                throw e.isUniqueViolation() ? nameTaken(doc) : e;
            }
            services.insertRevision(doc);
            specs.publish(doc, revision, module);
            return doc;
        });
    }

    /** A change computed from the service as it was read, with the checks other services made of it. */
    record Change(ServiceDoc next, PackageDoc revision, Module module) {
    }

    /**
     * Computes a change outside any transaction (it may ask bot- and trigger-service), then writes it
     * in a short one if the service is still as it was read; a service changed in between (a
     * concurrent update, stop or resume) makes it compute again, and a third collision answers 409.
     */
    ServiceDoc change(String id, Caller caller, Function<ServiceDoc, Change> compute) {
        for (int attempt = 0; attempt < 3; attempt++) {
            ServiceDoc read = readForWrite(id, caller);
            Change change = compute.apply(read);
            ServiceDoc saved = QuarkusTransaction.requiringNew().call(() -> {
                ServiceDoc current = lockForWrite(id, caller);
                if (!current.equals(read)) {
                    return null;
                }
                return save(current, change.next(), change.revision(), change.module());
            });
            if (saved != null) {
                return saved;
            }
        }
        throw Refusal.conflict("service " + id + " kept changing while this change was made; try again");
    }

    /** Applies the fields a request carries; a changed spec becomes a new version. */
    public ServiceDoc update(String id, ServiceRequest request, Caller caller) {
        return change(id, caller, current -> updated(current, request, caller));
    }

    Change updated(ServiceDoc current, ServiceRequest request, Caller caller) {
        readOnly("id", request.id(), current.id());
        readOnly("projectId", request.projectId(), current.projectId());
        readOnly("packageId", request.packageId(), current.packageId());
        readOnly("packageName", request.packageName(), current.packageName());
        String name = request.name() == null ? current.name() : request.name();
        PackageValidator.checkName("name", name);
        PackageDoc revision = request.packageRevision() == null || request.packageRevision().isNull()
                ? packages.revision(current.packageId(), current.packageRevision())
                : packages.revisionOf(current.packageId(), request.packageRevision());
        String moduleName = request.moduleName() == null ? current.moduleName() : request.moduleName();
        Module module = PackageChoice.module(revision, moduleName);
        ServiceDoc next = new ServiceDoc(current.id(), name, current.projectId(), current.packageId(),
                current.packageName(), revision.version(), moduleName, current.version(),
                request.active() == null ? current.active() : request.active(),
                ServiceValidator.runtime(request.runtime(), current.runtime()),
                ServiceValidator.initParams(request.initParams() == null ? current.initParams() : request.initParams(),
                        module),
                ServiceValidator.maxAttempts(request.maxAttempts(), current.maxAttempts()),
                ServiceValidator.executionTimeout(request.executionTimeout(), current.executionTimeout()),
                ServiceValidator.onReset(request.onReset(), current.onReset()),
                ServiceValidator.drainTime(request.drainTime(), current.drainTime()),
                request.botUserName() == null || request.botUserName().equals(current.botUserName())
                        ? current.botUserName() : bots.bind(current.projectId(), request.botUserName(), caller),
                current.creator(), current.createdAt(), current.updatedAt(),
                triggers.check(request.triggers() == null ? current.triggers() : request.triggers(),
                        current.projectId(), current.id(), module, caller));
        return new Change(next, revision, module);
    }

    /** Makes an earlier version current again, as a new version. */
    public ServiceDoc restore(String id, int version, Caller caller) {
        readForWrite(id, caller); // a 404 for whoever may not change it, before anything of its versions
        ServiceDoc old = revision(id, version);
        return change(id, caller, current -> restored(current, old, caller));
    }

    private Change restored(ServiceDoc current, ServiceDoc old, Caller caller) {
        String bot = old.botUserName() == null || old.botUserName().equals(current.botUserName())
                ? current.botUserName() : bots.bind(current.projectId(), old.botUserName(), caller);
        PackageDoc revision = packages.revision(current.packageId(), old.packageRevision());
        Module module = PackageChoice.module(revision, old.moduleName());
        ServiceDoc next = new ServiceDoc(current.id(), old.name(), current.projectId(), current.packageId(),
                current.packageName(), old.packageRevision(), old.moduleName(), current.version(), current.active(),
                old.runtime(), old.initParams(), old.maxAttempts(), old.executionTimeout(), old.onReset(),
                old.drainTime(), bot, current.creator(), current.createdAt(), current.updatedAt(),
                triggers.check(old.triggers(), current.projectId(), current.id(), module, caller));
        return new Change(next, revision, module);
    }

    /** Stops (Inactive) or resumes (Active) a service; this is not a new version. */
    @Transactional
    public ServiceDoc setActive(String id, boolean active, Caller caller) {
        ServiceDoc current = lockForWrite(id, caller);
        if (current.active() == active) {
            return current;
        }
        ServiceDoc next = current.withVersion(current.version(), active, now());
        quotas.check(next);
        services.update(next);
        PackageDoc revision = packages.revision(next.packageId(), next.packageRevision());
        specs.publish(next, revision, PackageChoice.module(revision, next.moduleName()));
        return next;
    }

    @Transactional
    public void delete(String id, Caller caller) {
        lockForWrite(id, caller);
        deleteRow(id);
    }

    private void deleteRow(String id) {
        services.delete(id);
        specs.deleted(id);
    }

    /** A package is being deleted: refused while services run from it, unless forced, which deletes them too. */
    @Transactional(Transactional.TxType.MANDATORY)
    void packageDeleting(@Observes PackageDeleting deleting) {
        List<String> names = services.namesOfPackage(deleting.packageId());
        if (!names.isEmpty() && !deleting.force()) {
            throw Refusal.conflict("package " + deleting.packageId() + " has deployed services " + names
                    + "; delete them first, or delete with force=true to delete them too");
        }
        services.lockIdsOfPackage(deleting.packageId()).forEach(this::deleteRow);
    }

    public ServiceDoc get(String id, Caller caller) {
        ServiceDoc doc = load(id);
        caller.mayRead(doc.projectId(), () -> Refusal.notFound("service", id));
        return doc;
    }

    private ServiceDoc load(String id) {
        return services.find(id).orElseThrow(() -> Refusal.notFound("service", id));
    }

    public ServiceDoc revision(String id, int version, Caller caller) {
        get(id, caller);
        return revision(id, version);
    }

    private ServiceDoc revision(String id, int version) {
        return services.findRevision(id, version)
                .orElseThrow(() -> Refusal.notFound("version", version + " of service " + id));
    }

    public Page<ServiceDoc> list(String projectId, String name, String packageId, PageRequest page, Caller caller) {
        PackageValidator.checkProjectId(projectId);
        caller.mayRead(projectId);
        return services.page(projectId, name, packageId, page);
    }

    public Page<ServiceDoc> revisions(String id, PageRequest page, Caller caller) {
        get(id, caller);
        return services.revisions(id, page);
    }

    private ServiceDoc save(ServiceDoc current, ServiceDoc next, PackageDoc revision, Module module) {
        boolean activeChanged = current.active() != next.active();
        if (next.specOnly().equals(current.specOnly()) && !activeChanged) {
            return current;
        }
        boolean specChanged = !next.specOnly().equals(current.specOnly());
        ServiceDoc saved = next.withVersion(specChanged ? current.version() + 1 : current.version(), next.active(), now());
        quotas.check(saved);
        try {
            services.update(saved);
        } catch (Db.DbException e) {
            throw e.isUniqueViolation() ? nameTaken(saved) : e;
        }
        if (specChanged) {
            services.insertRevision(saved);
        }
        specs.publish(saved, revision, module);
        return saved;
    }

    /** The service as it is, if the caller may change it; no lock (see {@link #change}). */
    private ServiceDoc readForWrite(String id, Caller caller) {
        ServiceDoc doc = load(id);
        caller.mayWrite(doc.projectId(), () -> Refusal.notFound("service", id));
        return doc;
    }

    private ServiceDoc lockForWrite(String id, Caller caller) {
        ServiceDoc doc = services.lock(id);
        caller.mayWrite(doc.projectId(), () -> Refusal.notFound("service", id));
        return doc;
    }

    private static void readOnly(String field, String given, String actual) {
        if (given != null && !Objects.equals(given, actual)) {
            throw Refusal.invalid(field, "is read-only (it is '" + actual + "')");
        }
    }

    private static Refusal nameTaken(ServiceDoc doc) {
        return Refusal.conflict("a service named '" + doc.name() + "' already exists in project " + doc.projectId());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
