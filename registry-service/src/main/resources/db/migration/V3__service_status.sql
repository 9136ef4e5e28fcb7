-- What the operator last said about each service's replicas.
CREATE TABLE service_status (
    service_id      text PRIMARY KEY,
    version         integer     NOT NULL,
    status          text        NOT NULL,
    ready_replicas  integer     NOT NULL,
    desired_replicas integer    NOT NULL,
    error           jsonb,
    updated_at      timestamptz NOT NULL
);
