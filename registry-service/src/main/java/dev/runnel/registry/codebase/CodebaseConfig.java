package dev.runnel.registry.codebase;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on uploaded codebases. */
@ConfigMapping(prefix = "runnel.codebase")
public interface CodebaseConfig {

    /** Largest zip accepted, in bytes. */
    @WithDefault("52428800")
    long maxCompressedSize();

    /** Largest total size of the files once unzipped, in bytes. */
    @WithDefault("268435456")
    long maxUncompressedSize();

    /** Most entries (files and folders) a zip may hold. */
    @WithDefault("10000")
    int maxEntries();
}
