package dev.runnel.contracts;

/** What starts a trigger's executions: resource events, or a cron schedule. The names are the JSON ones. */
public enum TriggerType {
    Event,
    Cron
}
