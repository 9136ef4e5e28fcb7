package dev.runnel.registry.codebase;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.runnel.contracts.CodebaseRef;
import dev.runnel.contracts.Json;
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

    private final CodebaseRepository repository;
    private final ZipInspector inspector;

    public CodebaseService(CodebaseRepository repository, CodebaseConfig config) {
        this.repository = repository;
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
            if (!repository.exists(sha256)) {
                repository.insert(sha256, size, inspector.inspect(zip, size), Files.readAllBytes(zip));
            }
            return new Stored(CodebaseRef.blob(sha256, size), repository.link(sha256, projectId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A codebase of a project, if the project has it. */
    public Optional<CodebaseRef> find(String id, String projectId) {
        return repository.find(id, projectId);
    }

    public CodebaseRef get(String id, Caller caller) {
        return visible(id, caller).orElseThrow(() -> Refusal.notFound("codebase", id));
    }

    /** The bytes of a codebase, exactly as uploaded, for a member of a project that has it. */
    public byte[] bytes(String id, Caller caller) {
        get(id, caller);
        return repository.data(id).orElseThrow(() -> Refusal.notFound("codebase", id));
    }

    private Optional<CodebaseRef> visible(String id, Caller caller) {
        return repository.holders(id).stream().filter(holder -> caller.isMember(holder.projectId()))
                .map(CodebaseRepository.Holder::ref).findFirst();
    }

    /** The file names in a codebase. */
    public List<String> files(String id) {
        return repository.entries(id).map(text -> {
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
