-- The transactional outbox every service that publishes events has (service-kit's Outbox and
-- OutboxPublisher, ADR 1): events written in the same transaction as the change, published in id order.
-- Services run it with their own migrations: quarkus.flyway.locations=db/migration,db/outbox.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    topic       text        NOT NULL,
    msg_key     text        NOT NULL,
    payload     text,
    event_id    text        NOT NULL,
    traceparent text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
