-- PostgreSQL twin of migrations/0004_inbox.sql.
CREATE TABLE inboxes (
    name        TEXT    PRIMARY KEY,
    status      INTEGER NOT NULL DEFAULT 200,
    headers     TEXT    NOT NULL DEFAULT '{}',
    body        TEXT    NOT NULL DEFAULT '',
    delay_ms    INTEGER NOT NULL DEFAULT 0,
    fail_first  INTEGER NOT NULL DEFAULT 0,
    fail_rate   INTEGER NOT NULL DEFAULT 0,
    fail_seed   BIGINT  NOT NULL DEFAULT 0,
    fail_status INTEGER NOT NULL DEFAULT 500,
    secret      TEXT    NOT NULL DEFAULT '',
    received    BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE inbox_requests (
    seq              BIGSERIAL PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    inbox            TEXT    NOT NULL REFERENCES inboxes(name) ON DELETE CASCADE,
    n                BIGINT  NOT NULL,
    method           TEXT    NOT NULL,
    path             TEXT    NOT NULL,
    query            TEXT    NOT NULL DEFAULT '',
    headers          TEXT    NOT NULL DEFAULT '{}',
    body             BYTEA   NOT NULL,
    body_size        BIGINT  NOT NULL,
    truncated        BOOLEAN NOT NULL DEFAULT FALSE, -- SQLite's 0/1; the Go side reads and writes a bool
    remote_addr      TEXT    NOT NULL DEFAULT '',
    received_at      BIGINT  NOT NULL,
    signature        TEXT    NOT NULL,
    signature_reason TEXT    NOT NULL DEFAULT '',
    failure          TEXT    NOT NULL DEFAULT '',
    roll             INTEGER NOT NULL DEFAULT -1,
    resp_status      INTEGER NOT NULL,
    resp_headers     TEXT    NOT NULL DEFAULT '{}',
    resp_body        TEXT    NOT NULL DEFAULT '',
    resp_delay_ms    INTEGER NOT NULL DEFAULT 0,
    abandoned_ms     BIGINT  NOT NULL DEFAULT -1
);

CREATE INDEX inbox_requests_inbox ON inbox_requests(inbox, seq);

-- A request body as jsonb, or NULL when it is not UTF-8 JSON: the list's
-- one-line summary reads a few fields of Hookline's own webhook bodies
-- (SQLite does the same with json_valid).
CREATE FUNCTION hookline_json_or_null(body BYTEA) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN convert_from(body, 'UTF8')::jsonb;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;
