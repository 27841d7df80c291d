-- PostgreSQL twin of migrations/0003_delivery.sql: the queue and the logs
-- are one table. Claims are leases, as in SQLite; on PostgreSQL several
-- instances claim with FOR UPDATE SKIP LOCKED (see delivery/queries_postgres.go).
CREATE TABLE deliveries (
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    message_id      TEXT    NOT NULL,
    webhook_id      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    object_id       TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    headers         TEXT    NOT NULL DEFAULT '[]',
    secret          TEXT    NOT NULL DEFAULT '',
    body            BYTEA   NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'error')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    claimed_by      TEXT,
    response_code   INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    redelivery_of   TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries(webhook_id, seq);
CREATE INDEX deliveries_finished ON deliveries(webhook_id, seq) WHERE status <> 'pending';

CREATE TABLE delivery_attempts (
    id                 BIGSERIAL PRIMARY KEY,
    delivery_seq       BIGINT  NOT NULL REFERENCES deliveries(seq) ON DELETE CASCADE,
    n                  INTEGER NOT NULL,
    started_at         BIGINT  NOT NULL,
    duration_ms        BIGINT  NOT NULL,
    request_headers    TEXT    NOT NULL,
    response_code      INTEGER NOT NULL DEFAULT 0,
    response_headers   TEXT    NOT NULL DEFAULT '[]',
    response_body      BYTEA,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error              TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL CHECK (outcome IN ('done', 'retry', 'error')),
    next_attempt_at    BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (delivery_seq, n)
);
