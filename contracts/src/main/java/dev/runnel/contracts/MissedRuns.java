package dev.runnel.contracts;

/** What a cron trigger does with the times it missed while no replica ran: fire once for all, or skip them. */
public enum MissedRuns {
    fireOnce,
    skip
}
