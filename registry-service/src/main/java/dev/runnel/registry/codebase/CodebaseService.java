package dev.runnel.registry.codebase;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.error.Refusal;
import dev.runnel.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Stores codebase zips once per content (by sha256) after {@link ZipInspector} accepts them. */
@ApplicationScoped
public class CodebaseService {

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };

    private final Db db;
    private final ZipInspector inspector;

    public CodebaseService(Db db, CodebaseConfig config) {
        this.db = db;
        this.inspector = new ZipInspector(config);
    }

    /** The outcome of an upload: the blob, and whether these bytes were new. */
    public record Stored(CodebaseRef ref, boolean created) {
    }

    /** Stores a zip for a project; {@code created} is false when these bytes were already stored for it. */
    @Transactional
    public Stored store(Path zip, String projectId, Caller caller) {
        if (projectId == null || projectId.isBlank()) {
            throw Refusal.invalid("projectId", "is required: the project the codebase belongs to");
        }
        caller.mayWrite(projectId);
        try {
            long size = Files.size(zip);
            String sha256 = sha256(zip);
            boolean stored = db.count("SELECT count(*) FROM codebases WHERE id = ?", sha256) > 0;
            if (!stored) {
                List<String> files = inspector.inspect(zip, size);
                db.update("INSERT INTO codebases (id, size, entries, data) VALUES (?, ?, CAST(? AS jsonb), ?)"
                        + " ON CONFLICT (id) DO NOTHING", sha256, size, Db.json(files), Files.readAllBytes(zip));
            }
            int linked = db.update("INSERT INTO codebase_projects (codebase_id, project_id) VALUES (?, ?)"
                    + " ON CONFLICT DO NOTHING", sha256, projectId);
            return new Stored(CodebaseRef.blob(sha256, size), linked == 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A codebase of a project, if the project has it. */
    public Optional<CodebaseRef> find(String id, String projectId) {
        return db.one("SELECT c.id, c.size FROM codebases c JOIN codebase_projects p ON p.codebase_id = c.id"
                + " WHERE c.id = ? AND p.project_id = ?", rs -> CodebaseRef.blob(rs.getString(1), rs.getLong(2)),
                id, projectId);
    }

    public CodebaseRef get(String id, Caller caller) {
        return visible(id, caller).orElseThrow(() -> Refusal.notFound("codebase", id));
    }

    /** The bytes of a codebase, exactly as uploaded, for a member of a project that has it. */
    public byte[] bytes(String id, Caller caller) {
        get(id, caller);
        return db.one("SELECT data FROM codebases WHERE id = ?", rs -> rs.getBytes(1), id)
                .orElseThrow(() -> Refusal.notFound("codebase", id));
    }

    private Optional<CodebaseRef> visible(String id, Caller caller) {
        return db.list("SELECT c.id, c.size, p.project_id FROM codebases c JOIN codebase_projects p"
                + " ON p.codebase_id = c.id WHERE c.id = ?", rs -> new Object[] {CodebaseRef.blob(rs.getString(1),
                rs.getLong(2)), rs.getString(3)}, id).stream()
                .filter(row -> caller.isMember((String) row[1])).map(row -> (CodebaseRef) row[0]).findFirst();
    }

    /** The file names in a codebase. */
    public List<String> files(String id) {
        return db.one("SELECT entries FROM codebases WHERE id = ?", rs -> rs.getString(1), id)
                .map(text -> {
                    try {
                        return Json.mapper().readValue(text, NAMES);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElseThrow(() -> Refusal.notFound("codebase", id));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
