package dev.runnel.registry.codebase;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
import dev.runnel.registry.db.Db;
import dev.runnel.registry.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
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

    public Stored store(Path zip) {
        try {
            long size = Files.size(zip);
            String sha256 = sha256(zip);
            Optional<CodebaseRef> existing = find(sha256);
            if (existing.isPresent()) {
                return new Stored(existing.get(), false);
            }
            List<String> files = inspector.inspect(zip, size);
            int inserted = db.update("INSERT INTO codebases (id, size, entries, data) VALUES (?, ?, CAST(? AS jsonb), ?)"
                    + " ON CONFLICT (id) DO NOTHING", sha256, size, Db.json(files), Files.readAllBytes(zip));
            return new Stored(CodebaseRef.blob(sha256, size), inserted == 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<CodebaseRef> find(String id) {
        return db.one("SELECT id, size FROM codebases WHERE id = ?",
                rs -> CodebaseRef.blob(rs.getString(1), rs.getLong(2)), id);
    }

    public CodebaseRef get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("codebase", id));
    }

    /** The bytes of a codebase, exactly as uploaded. */
    public byte[] bytes(String id) {
        return db.one("SELECT data FROM codebases WHERE id = ?", rs -> rs.getBytes(1), id)
                .orElseThrow(() -> ApiException.notFound("codebase", id));
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
                .orElseThrow(() -> ApiException.notFound("codebase", id));
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
