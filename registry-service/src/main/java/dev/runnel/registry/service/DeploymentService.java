package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.kit.web.ApiException;
import dev.runnel.kit.web.Page;
import dev.runnel.kit.web.PageRequest;
import dev.runnel.registry.pkg.PackageDoc;
import dev.runnel.registry.pkg.PackageService;
import dev.runnel.registry.pkg.PackageValidator;
import dev.runnel.auth.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Deploys, updates, restores, stops, resumes and deletes services. Every change that alters the
 * deployable spec makes a new version kept in the revisions; every change is published on
 * {@code service-specs} through the outbox, in the same transaction.
 */
@ApplicationScoped
public class DeploymentService {

    private final Db db;
    private final Outbox outbox;
    private final Instance<PackageService> packages;
    private final BotBinding bots;
    private final TriggerCheck triggers;

    public DeploymentService(Db db, Outbox outbox, Instance<PackageService> packages, BotBinding bots,
                             TriggerCheck triggers) {
        this.db = db;
        this.outbox = outbox;
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
        PackageDoc pkg = packageOf(request, caller);
        if (request.projectId() != null && !request.projectId().equals(pkg.projectId())) {
            throw ApiException.invalid("projectId", "the package belongs to project " + pkg.projectId());
        }
        caller.mayWrite(pkg.projectId(), () -> noPackage(request));
        PackageDoc revision = revisionOf(pkg, request.packageRevision());
        String moduleName = request.moduleName() == null ? Module.DEFAULT_NAME : request.moduleName();
        Module module = module(revision, moduleName);
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
            try {
                db.update("INSERT INTO services (id, project_id, name, package_id, version, active, doc, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, 1, ?, CAST(? AS jsonb), ?, ?)", doc.id(), doc.projectId(),
                        doc.name(), doc.packageId(), doc.active(), Db.json(doc), now, now);
            } catch (Db.DbException e) {
                if (e.isUniqueViolation()) {
                    throw ApiException.conflict("a service named '" + doc.name() + "' already exists in project "
                            + doc.projectId());
                }
                throw e;
            }
            insertRevision(doc);
            publish(doc, revision, module);
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
    ServiceDoc change(String id, Caller caller, java.util.function.Function<ServiceDoc, Change> compute) {
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
        throw ApiException.conflict("service " + id + " kept changing while this change was made; try again");
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
                ? packages.get().revision(current.packageId(), current.packageRevision())
                : revisionOf(packages.get().load(current.packageId()), request.packageRevision());
        String moduleName = request.moduleName() == null ? current.moduleName() : request.moduleName();
        Module module = module(revision, moduleName);
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
        PackageDoc revision = packages.get().revision(current.packageId(), old.packageRevision());
        Module module = module(revision, old.moduleName());
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
        db.update("UPDATE services SET active = ?, doc = CAST(? AS jsonb), updated_at = ? WHERE id = ?", active,
                Db.json(next), next.updatedAt(), id);
        PackageDoc revision = packages.get().revision(next.packageId(), next.packageRevision());
        publish(next, revision, module(revision, next.moduleName()));
        return next;
    }

    @Transactional
    public void delete(String id, Caller caller) {
        lockForWrite(id, caller);
        deleteRow(id);
    }

    private void deleteRow(String id) {
        db.update("DELETE FROM services WHERE id = ?", id);
        outbox.append(Topics.SERVICE_SPECS, id, Outbox.newEventId(), null);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void deleteAllOfPackage(String packageId) {
        for (String id : db.list("SELECT id FROM services WHERE package_id = ? ORDER BY id FOR UPDATE",
                rs -> rs.getString(1), packageId)) {
            deleteRow(id);
        }
    }

    public List<String> namesOfPackage(String packageId) {
        return db.list("SELECT name FROM services WHERE package_id = ? ORDER BY name", rs -> rs.getString(1), packageId);
    }

    public ServiceDoc get(String id, Caller caller) {
        ServiceDoc doc = load(id);
        caller.mayRead(doc.projectId(), () -> ApiException.notFound("service", id));
        return doc;
    }

    private ServiceDoc load(String id) {
        return db.one("SELECT doc::text FROM services WHERE id = ?", rs -> Db.fromJson(rs.getString(1),
                ServiceDoc.class), id).orElseThrow(() -> ApiException.notFound("service", id));
    }

    public ServiceDoc revision(String id, int version, Caller caller) {
        get(id, caller);
        return revision(id, version);
    }

    private ServiceDoc revision(String id, int version) {
        return db.one("SELECT doc::text FROM service_revisions WHERE service_id = ? AND version = ?",
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id, version)
                .orElseThrow(() -> ApiException.notFound("version", version + " of service " + id));
    }

    public Page<ServiceDoc> list(String projectId, String name, String packageId, PageRequest page, Caller caller) {
        PackageValidator.checkProjectId(projectId);
        caller.mayRead(projectId);
        StringBuilder where = new StringBuilder(" FROM services WHERE project_id = ?");
        List<Object> params = new java.util.ArrayList<>(List.of(projectId));
        if (name != null) {
            where.append(" AND name = ?");
            params.add(name);
        }
        if (packageId != null) {
            where.append(" AND package_id = ?");
            params.add(packageId);
        }
        long total = db.count("SELECT count(*)" + where, params.toArray());
        List<ServiceDoc> items = db.list("SELECT doc::text" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.pageSize() + " OFFSET " + page.offset(), rs -> Db.fromJson(rs.getString(1), ServiceDoc.class),
                params.toArray());
        return Page.of(items, total, page);
    }

    public Page<ServiceDoc> revisions(String id, PageRequest page, Caller caller) {
        get(id, caller);
        long total = db.count("SELECT count(*) FROM service_revisions WHERE service_id = ?", id);
        List<ServiceDoc> items = db.list("SELECT doc::text FROM service_revisions WHERE service_id = ?"
                + " ORDER BY version LIMIT " + page.pageSize() + " OFFSET " + page.offset(),
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id);
        return Page.of(items, total, page);
    }

    private ServiceDoc save(ServiceDoc current, ServiceDoc next, PackageDoc revision, Module module) {
        boolean activeChanged = current.active() != next.active();
        if (next.specOnly().equals(current.specOnly()) && !activeChanged) {
            return current;
        }
        boolean specChanged = !next.specOnly().equals(current.specOnly());
        ServiceDoc saved = next.withVersion(specChanged ? current.version() + 1 : current.version(), next.active(), now());
        try {
            db.update("UPDATE services SET name = ?, version = ?, active = ?, doc = CAST(? AS jsonb), updated_at = ?"
                    + " WHERE id = ?", saved.name(), saved.version(), saved.active(), Db.json(saved), saved.updatedAt(),
                    saved.id());
        } catch (Db.DbException e) {
            if (e.isUniqueViolation()) {
                throw ApiException.conflict("a service named '" + saved.name() + "' already exists in project "
                        + saved.projectId());
            }
            throw e;
        }
        if (specChanged) {
            insertRevision(saved);
        }
        publish(saved, revision, module);
        return saved;
    }

    /** The service as it is, if the caller may change it; no lock (see {@link #change}). */
    private ServiceDoc readForWrite(String id, Caller caller) {
        ServiceDoc doc = load(id);
        caller.mayWrite(doc.projectId(), () -> ApiException.notFound("service", id));
        return doc;
    }

    private ServiceDoc lockForWrite(String id, Caller caller) {
        ServiceDoc doc = db.one("SELECT doc::text FROM services WHERE id = ? FOR UPDATE",
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id)
                .orElseThrow(() -> ApiException.notFound("service", id));
        caller.mayWrite(doc.projectId(), () -> ApiException.notFound("service", id));
        return doc;
    }

    private PackageDoc packageOf(ServiceRequest request, Caller caller) {
        if (request.packageId() != null) {
            try {
                return packages.get().get(request.packageId(), caller);
            } catch (ApiException e) {
                throw noPackage(request);
            }
        }
        if (request.packageName() != null && request.projectId() == null) {
            List<PackageDoc> named = packages.get().byNameInProjectsOf(request.packageName(), caller);
            if (named.size() != 1) {
                throw ApiException.invalid("packageName", named.isEmpty()
                        ? "no package named '" + request.packageName() + "'"
                        : "several projects have a package named '" + request.packageName() + "'; give projectId");
            }
            return named.get(0);
        }
        if (request.packageName() != null) {
            PackageValidator.checkProjectId(request.projectId());
            caller.mayRead(request.projectId(), () -> noPackage(request));
            try {
                return packages.get().byName(request.projectId(), request.packageName());
            } catch (ApiException e) {
                throw noPackage(request);
            }
        }
        throw ApiException.invalid("packageId", "is required (or packageName with projectId)");
    }

    /** The same answer for a package that does not exist and one the caller may not see. */
    private static ApiException noPackage(ServiceRequest request) {
        return request.packageId() != null
                ? ApiException.invalid("packageId", "no package with id '" + request.packageId() + "'")
                : ApiException.invalid("packageName", "no package named '" + request.packageName() + "'"
                        + (request.projectId() == null ? "" : " in project " + request.projectId()));
    }

    private PackageDoc revisionOf(PackageDoc pkg, JsonNode requested) {
        if (requested == null || requested.isNull()
                || (requested.isTextual() && requested.asText().equals("latest"))) {
            return packages.get().revision(pkg.id(), pkg.version());
        }
        if (!requested.isIntegralNumber() && !(requested.isTextual() && requested.asText().matches("\\d{1,9}"))) {
            throw ApiException.invalid("packageRevision", "must be \"latest\" or a revision number");
        }
        int number = requested.isTextual() ? Integer.parseInt(requested.asText()) : requested.asInt();
        if (number < 1 || number > pkg.version()) {
            throw ApiException.invalid("packageRevision", "package '" + pkg.name() + "' has revisions 1 to "
                    + pkg.version() + ", not " + number);
        }
        return packages.get().revision(pkg.id(), number);
    }

    private static Module module(PackageDoc revision, String moduleName) {
        Module module = revision.module(moduleName);
        if (module == null) {
            throw ApiException.invalid("moduleName", "revision " + revision.version() + " of package '"
                    + revision.name() + "' has no module '" + moduleName + "'");
        }
        return module;
    }

    private static void readOnly(String field, String given, String actual) {
        if (given != null && !Objects.equals(given, actual)) {
            throw ApiException.invalid(field, "is read-only (it is '" + actual + "')");
        }
    }

    private void insertRevision(ServiceDoc doc) {
        db.update("INSERT INTO service_revisions (service_id, version, doc, created_at) VALUES (?, ?, CAST(? AS jsonb), ?)",
                doc.id(), doc.version(), Db.json(doc), doc.updatedAt());
    }

    private void publish(ServiceDoc doc, PackageDoc revision, Module module) {
        String eventId = Outbox.newEventId();
        ServiceSpec spec = new ServiceSpec(eventId, doc.id(), doc.projectId(), doc.name(), doc.version(), doc.active(),
                doc.packageId(), doc.packageName(), doc.packageRevision(), revision.codebase(), module,
                doc.initParams(), doc.runtime(), doc.maxAttempts(), doc.executionTimeout(), doc.onReset(),
                doc.drainTime(), doc.botUserName(), doc.updatedAt(), doc.triggers());
        outbox.append(Topics.SERVICE_SPECS, doc.id(), eventId, Db.json(spec));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
