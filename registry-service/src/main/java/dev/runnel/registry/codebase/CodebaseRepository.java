package dev.runnel.registry.codebase;

import dev.runnel.contracts.CodebaseRef;
import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The SQL of codebases: each zip stored once by its sha256, and the projects that uploaded it. */
@ApplicationScoped
public class CodebaseRepository {

    /** A stored codebase and one project that has it. */
    public record Holder(CodebaseRef ref, String projectId) {
    }

    private final Db db;

    public CodebaseRepository(Db db) {
        this.db = db;
    }

    public boolean exists(String id) {
        return db.count("SELECT count(*) FROM codebases WHERE id = ?", id) > 0;
    }

    /** Stores the bytes unless they are stored already. */
    public void insert(String id, long size, List<String> entries, byte[] data) {
        db.update("INSERT INTO codebases (id, size, entries, data) VALUES (?, ?, CAST(? AS jsonb), ?)"
                + " ON CONFLICT (id) DO NOTHING", id, size, Db.json(entries), data);
    }

    /** Links a codebase to a project; false when it was linked already. */
    public boolean link(String id, String projectId) {
        return db.update("INSERT INTO codebase_projects (codebase_id, project_id) VALUES (?, ?)"
                + " ON CONFLICT DO NOTHING", id, projectId) == 1;
    }

    /** A codebase of a project, if the project has it. */
    public Optional<CodebaseRef> find(String id, String projectId) {
        return db.one("SELECT c.id, c.size FROM codebases c JOIN codebase_projects p ON p.codebase_id = c.id"
                + " WHERE c.id = ? AND p.project_id = ?", rs -> CodebaseRef.blob(rs.getString(1), rs.getLong(2)),
                id, projectId);
    }

    /** Every project that has the codebase. */
    public List<Holder> holders(String id) {
        return db.list("SELECT c.id, c.size, p.project_id FROM codebases c JOIN codebase_projects p"
                + " ON p.codebase_id = c.id WHERE c.id = ?", rs -> new Holder(CodebaseRef.blob(rs.getString(1),
                rs.getLong(2)), rs.getString(3)), id);
    }

    public Optional<byte[]> data(String id) {
        return db.one("SELECT data FROM codebases WHERE id = ?", rs -> rs.getBytes(1), id);
    }

    /** The codebase's file names, as stored JSON. */
    public Optional<String> entries(String id) {
        return db.one("SELECT entries FROM codebases WHERE id = ?", rs -> rs.getString(1), id);
    }
}
