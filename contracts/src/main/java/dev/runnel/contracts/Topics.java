package dev.runnel.contracts;

/** The Kafka topics of docs/ARCHITECTURE.md §2 and the headers every message carries. */
public final class Topics {

    public static final String RESOURCE_EVENTS = "runnel.resource-events.v1";
    /** trigger-service's own: every trigger (keyed by id, tombstone on delete), so each replica indexes them all. */
    public static final String TRIGGERS = "runnel.triggers.v1";
    public static final String SERVICE_SPECS = "runnel.service-specs.v1";
    public static final String SERVICE_STATUS = "runnel.service-status.v1";
    public static final String EXECUTION_REQUESTS = "runnel.execution-requests.v1";
    public static final String EXECUTION_STATUS = "runnel.execution-status.v1";
    public static final String EXECUTION_EVENTS = "runnel.execution-events.v1";
    public static final String RUNNER_CONTROL = "runnel.runner-control.v1";
    public static final String REPLICA_HEARTBEATS = "runnel.replica-heartbeats.v1";
    public static final String EXECUTION_LOGS = "runnel.execution-logs.v1";
    public static final String BOT_EVENTS = "runnel.bot-events.v1";
    /** Records a consumer on SmallRye's connector could not handle (its channels name it in their config). */
    public static final String DEAD_LETTERS = "runnel.dead-letters.v1";
    /** execution-service's orders to hand dead letters back to the consumers that gave them up ({@link DeadLetterRedrive}). */
    public static final String DEAD_LETTER_REDRIVES = "runnel.dead-letter-redrives.v1";

    /** What every work topic's name starts with. */
    public static final String WORK_PREFIX = "runnel.work.";

    /** Header with the unique id of a message; consumers are idempotent on it. */
    public static final String HEADER_EVENT_ID = "runnel-event-id";
    /** W3C trace context header. */
    public static final String HEADER_TRACEPARENT = "traceparent";

    private Topics() {
    }

    /** The work topic of one service. */
    public static String work(String serviceId) {
        return WORK_PREFIX + serviceId + ".v1";
    }

    /** The consumer group in which a service's replicas share its work topic. */
    public static String workGroup(String serviceId) {
        return "runner-" + serviceId;
    }
}
