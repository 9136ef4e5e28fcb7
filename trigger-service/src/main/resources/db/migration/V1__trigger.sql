-- Triggers: the API JSON in doc, what matching and lists need beside it.
CREATE TABLE triggers (
    id          text PRIMARY KEY,
    project_id  text        NOT NULL,
    service_id  text        NOT NULL,
    name        text        NOT NULL,
    type        text        NOT NULL,
    active      boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    doc         jsonb       NOT NULL
);
CREATE UNIQUE INDEX triggers_service_name ON triggers (service_id, name);
CREATE INDEX triggers_project ON triggers (project_id, created_at DESC);

-- Once: the resources a trigger has run for, ever.
CREATE TABLE once_fired (
    trigger_id   text        NOT NULL,
    resource_id  text        NOT NULL,
    event_id     text        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (trigger_id, resource_id)
);

-- Cron: the last time each cron trigger fired for; moving it on is what fires (once across replicas).
CREATE TABLE cron_state (
    trigger_id    text PRIMARY KEY REFERENCES triggers (id) ON DELETE CASCADE,
    last_fire_at  timestamptz NOT NULL
);

-- What the loop guard stopped, per trigger (also counted in metrics).
CREATE TABLE trigger_stats (
    trigger_id         text PRIMARY KEY REFERENCES triggers (id) ON DELETE CASCADE,
    own_events_ignored bigint NOT NULL DEFAULT 0,
    chains_stopped     bigint NOT NULL DEFAULT 0,
    fired              bigint NOT NULL DEFAULT 0
);

