package dev.runnel.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a codebase zip as it streams in, from its local headers, within the registry's limits: the
 * registry checks a zip by its central directory, so a zip that hides entries or sizes from it must
 * still not fill the node's disk here. Over a limit, or an entry that leaves the folder, it stops
 * with an {@link IOException} that says which; the replica then fails its start with it.
 */
final class CodebaseUnpacker {

    /** The most bytes, all files together, and the most entries a codebase may unpack to. */
    record Limits(long maxBytes, int maxEntries) {

        /** The registry's defaults, or {@code RUNNEL_CODEBASE_MAX_UNCOMPRESSED_SIZE} and {@code RUNNEL_CODEBASE_MAX_ENTRIES}. */
        static Limits fromEnvironment(Map<String, String> env) {
            return new Limits(Long.parseLong(env.getOrDefault("RUNNEL_CODEBASE_MAX_UNCOMPRESSED_SIZE", "268435456")),
                    Integer.parseInt(env.getOrDefault("RUNNEL_CODEBASE_MAX_ENTRIES", "10000")));
        }
    }

    private CodebaseUnpacker() {
    }

    static void unpack(InputStream in, Path target, Limits limits) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new IOException("the codebase has more than " + limits.maxEntries() + " entries");
                }
                Path file = root.resolve(entry.getName()).normalize();
                if (!file.startsWith(root)) {
                    throw new IOException("codebase entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (OutputStream out = Files.newOutputStream(file)) {
                    int n;
                    while ((n = zip.read(buffer)) > 0) {
                        total += n;
                        if (total > limits.maxBytes()) {
                            throw new IOException("the codebase unpacks to more than " + limits.maxBytes()
                                    + " bytes (at " + entry.getName() + ")");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        }
    }
}
