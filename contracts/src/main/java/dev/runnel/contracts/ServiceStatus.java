package dev.runnel.contracts;

import java.time.Instant;

/**
 * How a service's replicas are doing, as the operator sees them, on {@link Topics#SERVICE_STATUS}
 * keyed by service id: Initializing while replicas start, Active once one is ready, Inactive when
 * stopped, Error with the reason (init failed, crash loop, bot refused).
 */
public record ServiceStatus(
        String eventId,
        String serviceId,
        int version,
        State status,
        int readyReplicas,
        int desiredReplicas,
        Error error,
        Instant timestamp) {

    public static final String SCHEMA = "schemas/service-status.v1.json";

    /** The operational status of the seed. */
    public enum State { Initializing, Active, Inactive, Error }

    /** Why a service is in Error. */
    public record Error(String reason, String message, String traceback) {
    }
}
