package dev.runnel.registry.service;

import dev.runnel.contracts.Module;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.contracts.Topics;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.outbox.Outbox;
import dev.runnel.registry.pkg.PackageDoc;
import jakarta.enterprise.context.ApplicationScoped;

/** Publishes every change of a service on {@code service-specs}, through the outbox in the changing transaction. */
@ApplicationScoped
public class ServiceSpecs {

    private final Outbox outbox;

    public ServiceSpecs(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The full deployable spec of a service as it now is, with its package revision's codebase and module. */
    void publish(ServiceDoc doc, PackageDoc revision, Module module) {
        String eventId = Outbox.newEventId();
        ServiceSpec spec = new ServiceSpec(eventId, doc.id(), doc.projectId(), doc.name(), doc.version(), doc.active(),
                doc.packageId(), doc.packageName(), doc.packageRevision(), revision.codebase(), module,
                doc.initParams(), doc.runtime(), doc.maxAttempts(), doc.executionTimeout(), doc.onReset(),
                doc.drainTime(), doc.botUserName(), doc.updatedAt(), doc.triggers());
        outbox.append(Topics.SERVICE_SPECS, doc.id(), eventId, Db.json(spec));
    }

    /** A deleted service's tombstone. */
    void deleted(String id) {
        outbox.append(Topics.SERVICE_SPECS, id, Outbox.newEventId(), null);
    }
}
