package dev.runnel.auth;

import dev.runnel.kit.error.Refusal;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who makes a request, from its verified token: the subject, whether a user, bot or service, whether
 * the platform's administrator, its role in each of its projects, and the raw token to pass on to
 * bot-service.
 */
public record Caller(String userId, String username, String kind, boolean admin, Map<String, String> projects,
                     String rawToken) {

    private static final Set<String> WRITERS = Set.of("owner", "developer");

    /** The caller when authentication is switched off (benchmarks only): a member of every project. */
    static final Caller UNCHECKED = new Caller("unchecked", "unchecked", "user", false, Map.of(), null);

    /** The projects whose entities the caller may list, or null for all of them (authorization switched off). */
    public Set<String> readableProjects() {
        return this == UNCHECKED ? null : projects.keySet();
    }

    public boolean isMember(String projectId) {
        return projectId != null && (this == UNCHECKED || projects.containsKey(projectId));
    }

    /** Reads need membership; to anyone else the object does not exist. */
    public void mayRead(String projectId, Supplier<Refusal> notFound) {
        if (!isMember(projectId)) {
            throw notFound.get();
        }
    }

    /** Changes need developer or owner; non-members get {@code notFound}, weaker roles 403. */
    public void mayWrite(String projectId, Supplier<Refusal> notFound) {
        mayRead(projectId, notFound);
        String role = projects.get(projectId);
        if (this != UNCHECKED && !WRITERS.contains(role)) {
            throw Refusal.notPermitted("your role in project " + projectId + " is " + role
                    + "; this needs developer or owner");
        }
    }

    /** What only the platform's administrator does (dead letters, say): anyone else gets 403. */
    public void mustBeAdmin(String what) {
        if (!admin) {
            throw Refusal.notPermitted("only an admin " + what);
        }
    }

    /** For list and create calls that name a project. */
    public void mayRead(String projectId) {
        mayRead(projectId, () -> Refusal.notFound("project", projectId));
    }

    public void mayWrite(String projectId) {
        mayWrite(projectId, () -> Refusal.notFound("project", projectId));
    }
}
