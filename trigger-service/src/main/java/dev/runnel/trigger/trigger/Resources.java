package dev.runnel.trigger.trigger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The seed's table of trigger resources and their actions, and which actions may run Always. */
public final class Resources {

    /** Resource → its actions, in the seed's spelling. */
    public static final Map<String, List<String>> ACTIONS;

    static {
        Map<String, List<String>> actions = new LinkedHashMap<>();
        actions.put("Item", List.of("Created", "Updated", "Deleted", "Clone"));
        actions.put("Dataset", List.of("Created", "Updated", "Deleted"));
        actions.put("Annotation", List.of("Created", "Updated", "Deleted"));
        actions.put("ItemStatus", List.of("Updated", "taskAssigned"));
        actions.put("Task", List.of("Created", "Updated", "Deleted", "statusChanged"));
        actions.put("Assignment", List.of("Created", "Updated", "Deleted", "statusChanged"));
        actions.put("Model", List.of("Created", "Updated", "Deleted"));
        ACTIONS = Map.copyOf(actions);
    }

    /** Actions that can happen more than once to one resource: the only ones Always makes sense for. */
    static final Set<String> REPEATABLE = Set.of("Updated", "statusChanged", "taskAssigned");

    /** Resources that never run Always. */
    static final Set<String> ONCE_ONLY = Set.of("Task", "Assignment");

    private Resources() {
    }

    /** The function input type that receives a resource: an item's status is about the item. */
    public static String inputType(String resource) {
        return resource.equals("ItemStatus") ? "Item" : resource;
    }
}
