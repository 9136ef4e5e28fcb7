-- The deployable specs of services, as published on service-specs (the latest per service).
CREATE TABLE service_specs (
    service_id  text PRIMARY KEY,
    project_id  text        NOT NULL,
    version     integer     NOT NULL,
    active      boolean     NOT NULL,
    deleted     boolean     NOT NULL DEFAULT false,
    spec        jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Executions: the API JSON (with the whole status log) in doc, what is queried beside it.
CREATE TABLE executions (
    id               text PRIMARY KEY,
    project_id       text        NOT NULL,
    service_id       text        NOT NULL,
    function_name    text        NOT NULL,
    trigger_id       text,
    status           text        NOT NULL,
    attempts         integer     NOT NULL,
    max_attempts     integer     NOT NULL,
    to_terminate     boolean     NOT NULL DEFAULT false,
    idempotency_key  text,
    replica_id       text,
    last_percent     integer,
    deadline         timestamptz,
    dispatch_after   timestamptz,
    dispatched_at    timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    doc              jsonb       NOT NULL
);
CREATE UNIQUE INDEX executions_idempotency ON executions (service_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX executions_service_created ON executions (service_id, created_at DESC);
CREATE INDEX executions_project_created ON executions (project_id, created_at DESC);
CREATE INDEX executions_open ON executions (status) WHERE status IN ('created', 'in-progress');

CREATE TABLE execution_logs (
    id            bigserial PRIMARY KEY,
    execution_id  text        NOT NULL,
    service_id    text        NOT NULL,
    at            timestamptz NOT NULL,
    level         text,
    message       text        NOT NULL
);
CREATE INDEX execution_logs_execution ON execution_logs (execution_id, id);
CREATE INDEX execution_logs_service ON execution_logs (service_id, id);

-- Replicas as their heartbeats tell: alive until last_seen is too old.
CREATE TABLE replicas (
    replica_id  text PRIMARY KEY,
    service_id  text        NOT NULL,
    last_seen   timestamptz NOT NULL,
    in_flight   jsonb       NOT NULL
);

-- Messages already handled, so that a redelivered message changes nothing.
CREATE TABLE processed_events (
    event_id    text PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now()
);

