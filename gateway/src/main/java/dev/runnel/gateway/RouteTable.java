package dev.runnel.gateway;

import java.util.Map;
import java.util.Optional;

/** Which service owns a path under {@code /api/v1} (docs/ARCHITECTURE.md §3). */
final class RouteTable {

    static final String PREFIX = "/api/v1/";

    private static final Map<String, String> OWNER_BY_FIRST_SEGMENT = Map.ofEntries(
            Map.entry("codebases", "registry"),
            Map.entry("packages", "registry"),
            Map.entry("services", "registry"),
            Map.entry("token", "bot"),
            Map.entry(".well-known", "bot"),
            Map.entry("users", "bot"),
            Map.entry("projects", "bot"),
            Map.entry("bots", "bot"),
            Map.entry("bindings", "bot"),
            Map.entry("keys", "bot"),
            Map.entry("executions", "execution"),
            Map.entry("dead-letters", "execution"),
            Map.entry("triggers", "trigger"),
            Map.entry("events", "trigger"));

    /** The owner of each resource {@code POST /query/faas} lists. */
    static final Map<String, String> QUERY_RESOURCES = Map.of("packages", "registry", "services", "registry",
            "executions", "execution", "triggers", "trigger");

    private RouteTable() {
    }

    /** The resources (first path segments) that some service owns. */
    static java.util.Set<String> resources() {
        return OWNER_BY_FIRST_SEGMENT.keySet();
    }

    /** Whether the path is {@code /api/v1/query/faas}, routed by the resource its body names. */
    static boolean isQuery(String path) {
        return (PREFIX + "query/faas").equals(path);
    }

    static Optional<String> queryOwner(String resource) {
        return Optional.ofNullable(resource == null ? null : QUERY_RESOURCES.get(resource));
    }

    /** The owner of a request path, if any service owns it. */
    static Optional<String> owner(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (first.equals("services") && (rest.equals("services/logs") || rest.startsWith("services/logs/"))) {
            return Optional.of("execution");
        }
        return Optional.ofNullable(OWNER_BY_FIRST_SEGMENT.get(first));
    }
}
