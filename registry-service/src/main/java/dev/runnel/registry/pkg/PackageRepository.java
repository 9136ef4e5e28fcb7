package dev.runnel.registry.pkg;

import dev.runnel.kit.db.Db;
import dev.runnel.kit.db.DocumentQuery;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of packages: their current document and every revision. A name already taken in the
 * project fails as a {@link Db.DbException} that {@link Db.DbException#isUniqueViolation is a unique
 * violation}; the caller decides what that means.
 */
@ApplicationScoped
public class PackageRepository {

    private static final String DOC = "SELECT doc::text FROM packages";

    private final Db db;

    public PackageRepository(Db db) {
        this.db = db;
    }

    /** A new package at its first revision. */
    void insert(PackageDoc doc) {
        db.update("INSERT INTO packages (id, project_id, name, version, doc, created_at, updated_at)"
                + " VALUES (?, ?, ?, 1, CAST(? AS jsonb), ?, ?)", doc.id(), doc.projectId(), doc.name(),
                Db.json(doc), doc.createdAt(), doc.updatedAt());
    }

    /** A package at its next revision. */
    void update(PackageDoc doc) {
        db.update("UPDATE packages SET version = ?, doc = CAST(? AS jsonb), updated_at = ? WHERE id = ?",
                doc.version(), Db.json(doc), doc.updatedAt(), doc.id());
    }

    /** Keeps a revision of a package, as it was pushed. */
    void insertRevision(PackageDoc doc) {
        db.update("INSERT INTO package_revisions (package_id, revision, doc, created_at) VALUES (?, ?, CAST(? AS jsonb), ?)",
                doc.id(), doc.version(), Db.json(doc), doc.updatedAt());
    }

    void delete(String id) {
        db.update("DELETE FROM packages WHERE id = ?", id);
    }

    Optional<PackageDoc> find(String id) {
        return db.one(DOC + " WHERE id = ?", rs -> Db.fromJson(rs.getString(1), PackageDoc.class), id);
    }

    /** The package, locked until the transaction ends. */
    Optional<PackageDoc> lock(String id) {
        return db.one(DOC + " WHERE id = ? FOR UPDATE", rs -> Db.fromJson(rs.getString(1), PackageDoc.class), id);
    }

    Optional<PackageDoc> findByName(String projectId, String name) {
        return db.one(DOC + " WHERE project_id = ? AND name = ?", rs -> Db.fromJson(rs.getString(1), PackageDoc.class),
                projectId, name);
    }

    /** At most two packages of this name in these projects (one is the answer; two, a question). */
    List<PackageDoc> findByNameIn(String name, Collection<String> projects) {
        return db.list(DOC + " WHERE name = ? AND project_id = ANY (?) LIMIT 2",
                rs -> Db.fromJson(rs.getString(1), PackageDoc.class), name, projects.toArray(String[]::new));
    }

    Optional<PackageDoc> findRevision(String id, int revision) {
        return db.one("SELECT doc::text FROM package_revisions WHERE package_id = ? AND revision = ?",
                rs -> Db.fromJson(rs.getString(1), PackageDoc.class), id, revision);
    }

    /** The packages of a project, newest first, by name when given. */
    Page<PackageDoc> page(String projectId, String name, PageRequest page) {
        String where = " FROM packages WHERE project_id = ?" + (name == null ? "" : " AND name = ?");
        Object[] params = name == null ? new Object[] {projectId} : new Object[] {projectId, name};
        long total = db.count("SELECT count(*)" + where, params);
        List<PackageDoc> items = db.list("SELECT doc::text" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.pageSize() + " OFFSET " + page.offset(), rs -> Db.fromJson(rs.getString(1), PackageDoc.class),
                params);
        return Page.of(items, total, page);
    }

    Page<PackageDoc> revisions(String id, PageRequest page) {
        long total = db.count("SELECT count(*) FROM package_revisions WHERE package_id = ?", id);
        List<PackageDoc> items = db.list("SELECT doc::text FROM package_revisions WHERE package_id = ?"
                + " ORDER BY revision LIMIT " + page.pageSize() + " OFFSET " + page.offset(),
                rs -> Db.fromJson(rs.getString(1), PackageDoc.class), id);
        return Page.of(items, total, page);
    }

    /** A page of the packages in {@code projects} (null: all) that {@code query} selects. */
    Page<PackageDoc> query(DocumentQuery query, Collection<String> projects) {
        return query.run(db, "packages", projects, PackageDoc.class);
    }
}
