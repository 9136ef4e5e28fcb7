package dev.runnel.contracts;

/** How often an event trigger runs for one resource: once ever, or at every matching event. */
public enum ExecutionMode {
    Once,
    Always
}
