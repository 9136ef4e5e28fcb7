-- Every service's dead letters (ADR 17 and 18), kept for the administrator to list, show and redrive.
-- The id is the letter's place on the dead-letters topic; topic, partition and offset are the record's
-- own place, where a redrive reads it again.
CREATE TABLE dead_letters (
    id           text        PRIMARY KEY,
    seq          bigserial   NOT NULL,
    consumer     text,
    topic        text        NOT NULL,
    partition    int         NOT NULL,
    record_offset bigint     NOT NULL,
    record_key   text,
    reason       text,
    cause        text,
    value        text,
    died_at      timestamptz NOT NULL,
    redrives     int         NOT NULL DEFAULT 0,
    redriven_at  timestamptz,
    redriven_by  text
);
CREATE INDEX dead_letters_by_time ON dead_letters (died_at DESC, seq DESC);
