package dev.runnel.contracts;

/** Where the code of a package revision is: a content-addressed zip blob of the registry. */
public record CodebaseRef(String type, String id, String sha256, long size) {

    public static final String BLOB = "blob";

    public static CodebaseRef blob(String sha256, long size) {
        return new CodebaseRef(BLOB, sha256, sha256, size);
    }
}
