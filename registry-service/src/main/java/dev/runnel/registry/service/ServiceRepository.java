package dev.runnel.registry.service;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of services: their current document and every version of it. A name already taken in the
 * project fails as a {@link Db.DbException} that {@link Db.DbException#isUniqueViolation is a unique
 * violation}; the caller decides what that means.
 */
@ApplicationScoped
public class ServiceRepository {

    private final Db db;

    public ServiceRepository(Db db) {
        this.db = db;
    }

    /** A new service at its first version. */
    void insert(ServiceDoc doc) {
        db.update("INSERT INTO services (id, project_id, name, package_id, version, active, doc, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, 1, ?, CAST(? AS jsonb), ?, ?)", doc.id(), doc.projectId(),
                doc.name(), doc.packageId(), doc.active(), Db.json(doc), doc.createdAt(), doc.updatedAt());
    }

    void update(ServiceDoc doc) {
        db.update("UPDATE services SET name = ?, version = ?, active = ?, doc = CAST(? AS jsonb), updated_at = ?"
                + " WHERE id = ?", doc.name(), doc.version(), doc.active(), Db.json(doc), doc.updatedAt(), doc.id());
    }

    /** Keeps a version of a service, as it is now. */
    void insertRevision(ServiceDoc doc) {
        db.update("INSERT INTO service_revisions (service_id, version, doc, created_at) VALUES (?, ?, CAST(? AS jsonb), ?)",
                doc.id(), doc.version(), Db.json(doc), doc.updatedAt());
    }

    /**
     * Every service of the project, read after taking the project's lock (held until the transaction
     * ends): one writer of a project's services at a time counts them. An advisory lock, not row
     * locks, so that it does not deadlock with the lock a change already holds on its own row.
     */
    List<ServiceDoc> lockProject(String projectId) {
        db.lockUntilCommit("services of " + projectId);
        return db.list("SELECT doc::text FROM services WHERE project_id = ?",
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), projectId);
    }

    void delete(String id) {
        db.update("DELETE FROM services WHERE id = ?", id);
    }

    Optional<ServiceDoc> find(String id) {
        return db.one("SELECT doc::text FROM services WHERE id = ?", rs -> Db.fromJson(rs.getString(1),
                ServiceDoc.class), id);
    }

    ServiceDoc lock(String id) {
        return db.one("SELECT doc::text FROM services WHERE id = ? FOR UPDATE",
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id)
                .orElseThrow(() -> Refusal.notFound("service", id));
    }

    Optional<ServiceDoc> findRevision(String id, int version) {
        return db.one("SELECT doc::text FROM service_revisions WHERE service_id = ? AND version = ?",
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id, version);
    }

    /** A page of the services in {@code projects} (null: all) that {@code query} selects. */
    public Page<ServiceDoc> query(DocumentQuery query, Collection<String> projects) {
        return query.run(db, "services", projects, ServiceDoc.class);
    }

    /** The services of a project, newest first, by name and package when given. */
    Page<ServiceDoc> page(String projectId, String name, String packageId, PageRequest page) {
        StringBuilder where = new StringBuilder(" FROM services WHERE project_id = ?");
        List<Object> params = new ArrayList<>(List.of(projectId));
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

    Page<ServiceDoc> revisions(String id, PageRequest page) {
        long total = db.count("SELECT count(*) FROM service_revisions WHERE service_id = ?", id);
        List<ServiceDoc> items = db.list("SELECT doc::text FROM service_revisions WHERE service_id = ?"
                + " ORDER BY version LIMIT " + page.pageSize() + " OFFSET " + page.offset(),
                rs -> Db.fromJson(rs.getString(1), ServiceDoc.class), id);
        return Page.of(items, total, page);
    }

    List<String> namesOfPackage(String packageId) {
        return db.list("SELECT name FROM services WHERE package_id = ? ORDER BY name", rs -> rs.getString(1), packageId);
    }

    /** The ids of a package's services, locked until the transaction ends. */
    List<String> lockIdsOfPackage(String packageId) {
        return db.list("SELECT id FROM services WHERE package_id = ? ORDER BY id FOR UPDATE", rs -> rs.getString(1),
                packageId);
    }
}
