-- The deliveries' CHECK constraints say the same thing without IN lists.
--
-- SQLite checks `x IN ('a', 'b', 'c')` against a list of more than two
-- constants by building an ephemeral b-tree of the constants, in every
-- statement that writes the column: each enqueue (status, verdict) and each
-- completion (status). `x = 'a' OR x = 'b' OR …` is the same constraint,
-- checked with a few comparisons. SQLite cannot alter a CHECK, so both
-- delivery tables are rebuilt: the payloads too, because dropping the old
-- deliveries table with foreign keys on would cascade into them. The rows,
-- their seqs and the AUTOINCREMENT high-water mark (so seqs are still never
-- reused) carry over unchanged.
CREATE TABLE deliveries_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    message_id      TEXT    NOT NULL,
    webhook_id      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    object_id       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status = 'pending' OR status = 'done' OR status = 'error'),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    response_code   INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    redelivery_of   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    history         TEXT    NOT NULL DEFAULT '[]',
    verdict         TEXT    NOT NULL DEFAULT ''
        CHECK (verdict = '' OR verdict = 'accepted' OR verdict = 'modified' OR verdict = 'rejected' OR verdict = 'failed'),
    test            INTEGER NOT NULL DEFAULT 0
);

INSERT INTO deliveries_new (seq, id, message_id, webhook_id, action, content_type, object_id, status, attempts,
        next_attempt_at, claimed_by, response_code, error, redelivery_of, created_at, updated_at, history, verdict, test)
    SELECT seq, id, message_id, webhook_id, action, content_type, object_id, status, attempts,
        next_attempt_at, claimed_by, response_code, error, redelivery_of, created_at, updated_at, history, verdict, test
    FROM deliveries ORDER BY seq;

DELETE FROM sqlite_sequence WHERE name = 'deliveries_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'deliveries_new', seq FROM sqlite_sequence WHERE name = 'deliveries';

CREATE TABLE delivery_payloads_new (
    seq        INTEGER PRIMARY KEY REFERENCES deliveries_new(seq) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    headers    TEXT NOT NULL DEFAULT '[]',
    secret     TEXT NOT NULL DEFAULT '',
    body       BLOB NOT NULL,
    tls_ca_pem TEXT NOT NULL DEFAULT ''
);

INSERT INTO delivery_payloads_new (seq, url, headers, secret, body, tls_ca_pem)
    SELECT seq, url, headers, secret, body, tls_ca_pem FROM delivery_payloads ORDER BY seq;

-- Children first: with the old payloads gone nothing references the old
-- deliveries, so dropping it cascades nowhere. The renames rewrite the new
-- payloads' REFERENCES clause and the sqlite_sequence row.
DROP TABLE delivery_payloads;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
ALTER TABLE delivery_payloads_new RENAME TO delivery_payloads;

CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries(webhook_id, seq);
CREATE INDEX deliveries_finished ON deliveries(webhook_id, seq) WHERE status <> 'pending';
