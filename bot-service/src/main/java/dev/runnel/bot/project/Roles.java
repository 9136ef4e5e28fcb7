package dev.runnel.bot.project;

import java.util.List;
import java.util.Set;

/** Project roles, strongest first; developer and owner may change things, the others read. */
public final class Roles {

    public static final String OWNER = "owner";
    public static final String DEVELOPER = "developer";
    public static final List<String> ALL = List.of(OWNER, DEVELOPER, "annotationManager", "annotator");
    public static final Set<String> WRITERS = Set.of(OWNER, DEVELOPER);

    private Roles() {
    }

    public static boolean isRole(String role) {
        return role != null && ALL.contains(role);
    }
}
