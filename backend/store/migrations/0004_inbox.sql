-- Inboxes: Hookline's built-in webhook receivers. One row is one named
-- endpoint (/inbox/{name}) with the response it is scripted to give.
--
-- received counts the requests since the script was last saved. It is the
-- request's position in the inbox's sequence: fail_first compares against it,
-- and the fail_rate draw for request n is a pure function of (fail_seed, n),
-- so a run can be reproduced by saving the same script again.
CREATE TABLE inboxes (
    name        TEXT    PRIMARY KEY,
    status      INTEGER NOT NULL DEFAULT 200,
    headers     TEXT    NOT NULL DEFAULT '{}',   -- JSON {"Name":"value"} sent with every scripted answer
    body        TEXT    NOT NULL DEFAULT '',
    delay_ms    INTEGER NOT NULL DEFAULT 0,
    fail_first  INTEGER NOT NULL DEFAULT 0,
    fail_rate   INTEGER NOT NULL DEFAULT 0,      -- percent, 0..100
    fail_seed   INTEGER NOT NULL DEFAULT 0,
    fail_status INTEGER NOT NULL DEFAULT 500,
    secret      TEXT    NOT NULL DEFAULT '',     -- "whsec_…"; empty means signatures are not checked
    received    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,                -- unix ms
    updated_at  INTEGER NOT NULL                 -- unix ms
);

-- Every request an inbox received, with the answer it got. Removing an
-- inbox removes its requests.
CREATE TABLE inbox_requests (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT, -- arrival order; AUTOINCREMENT so ids are never reused after retention
    id               TEXT    NOT NULL UNIQUE,           -- "req_…"
    inbox            TEXT    NOT NULL REFERENCES inboxes(name) ON DELETE CASCADE,
    n                INTEGER NOT NULL,                  -- position in the inbox's sequence (inboxes.received after this request)
    method           TEXT    NOT NULL,
    path             TEXT    NOT NULL,                  -- sub-path after /inbox/{name}, always starting with "/"
    query            TEXT    NOT NULL DEFAULT '',       -- raw query string, without "?"
    headers          TEXT    NOT NULL DEFAULT '{}',     -- JSON {"Name":["value",…]}
    body             BLOB    NOT NULL,
    body_size        INTEGER NOT NULL,                  -- bytes the sender sent; -1 when it sent too much to count
    truncated        INTEGER NOT NULL DEFAULT 0,        -- 1 when body holds only the first MaxBody bytes
    remote_addr      TEXT    NOT NULL DEFAULT '',
    received_at      INTEGER NOT NULL,                  -- unix ms
    signature        TEXT    NOT NULL,                  -- unchecked | verified | missing_headers | bad_signature | stale_timestamp
    signature_reason TEXT    NOT NULL DEFAULT '',
    failure          TEXT    NOT NULL DEFAULT '',       -- '' | fail_first | fail_rate: why the answer was a scripted failure
    roll             INTEGER NOT NULL DEFAULT -1,       -- the fail_rate draw (0..99) for this position; -1 when no draw was made
    resp_status      INTEGER NOT NULL,
    resp_headers     TEXT    NOT NULL DEFAULT '{}',
    resp_body        TEXT    NOT NULL DEFAULT '',
    resp_delay_ms    INTEGER NOT NULL DEFAULT 0,
    abandoned_ms     INTEGER NOT NULL DEFAULT -1        -- set when the sender hung up during the delay: how long it waited
);

-- An inbox's requests, newest first; retention walks the newest MaxRequests
-- entries of this index and deletes everything before them, never the table.
CREATE INDEX inbox_requests_inbox ON inbox_requests(inbox, seq);
