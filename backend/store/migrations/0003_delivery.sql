-- Webhook deliveries: the durable queue and the execution logs are one table.
-- One row is one execution log: it is queued as 'pending' in the same
-- transaction as the change that triggers it, and ends 'done' or 'error'.
--
-- next_attempt_at is when the row may next be claimed (unix ms). A claim is
-- a lease: claiming moves next_attempt_at to the lease expiry and sets
-- claimed_by, so a crashed process's rows become claimable again on their
-- own when the lease runs out, and the claim query needs only one range
-- over one partial index (claimed rows sort after everything that is due).
CREATE TABLE deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- queue and log order; AUTOINCREMENT so ids are never reused after retention
    id              TEXT    NOT NULL UNIQUE,           -- log id, "msg_…"
    message_id      TEXT    NOT NULL,                  -- the webhook-id header: id itself, or for a redelivery the original's
    webhook_id      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    object_id       TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    headers         TEXT    NOT NULL DEFAULT '[]',     -- JSON [{"name","value"}]: the webhook's own headers, snapshotted
    secret          TEXT    NOT NULL DEFAULT '',       -- signing secret snapshot; never copied into attempts or any API output
    body            BLOB    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'error')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    response_code   INTEGER NOT NULL DEFAULT 0,        -- of the latest attempt; 0 when no response arrived
    error           TEXT    NOT NULL DEFAULT '',       -- of the latest attempt
    redelivery_of   TEXT,                              -- log id this execution re-sends
    created_at      INTEGER NOT NULL,                  -- unix ms
    updated_at      INTEGER NOT NULL                   -- unix ms of the latest status or attempt change
);

-- Claim: status = 'pending' AND next_attempt_at <= now, earliest first. Also
-- gives the earliest due time for the wake-up timer.
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';

-- A webhook's logs, newest first (and its latest status for the list screen).
CREATE INDEX deliveries_webhook ON deliveries(webhook_id, seq);

-- Retention and the done/error filters: a webhook's finished logs, newest
-- first. Keeping the 300 newest walks 300 entries of this index, never the table.
CREATE INDEX deliveries_finished ON deliveries(webhook_id, seq) WHERE status <> 'pending';

-- One row per attempt of a delivery. Removing a delivery removes its attempts.
CREATE TABLE delivery_attempts (
    id                 INTEGER PRIMARY KEY,
    delivery_seq       INTEGER NOT NULL REFERENCES deliveries(seq) ON DELETE CASCADE,
    n                  INTEGER NOT NULL,               -- 1-based
    started_at         INTEGER NOT NULL,               -- unix ms
    duration_ms        INTEGER NOT NULL,
    request_headers    TEXT    NOT NULL,               -- JSON [{"name","value"}] as sent, signature included, secret never
    response_code      INTEGER NOT NULL DEFAULT 0,
    response_headers   TEXT    NOT NULL DEFAULT '[]',
    response_body      BLOB,                           -- at most 64 KiB
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error              TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL CHECK (outcome IN ('done', 'retry', 'error')),
    next_attempt_at    INTEGER NOT NULL DEFAULT 0,     -- when outcome = 'retry'
    UNIQUE (delivery_seq, n)
);
