package dev.runnel.registry.pkg;

/**
 * Fired, in the deleting transaction, before a package is deleted: what deploys packages refuses
 * the deletion ({@code force} false) while services run from it, or deletes them with it.
 */
public record PackageDeleting(String packageId, boolean force) {
}
