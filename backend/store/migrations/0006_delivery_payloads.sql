-- What a delivery sends (url, headers, signing secret, body) is written once,
-- at enqueue, and never changes; its status columns change at every claim
-- and every outcome. SQLite rewrites a whole row to change one column, so
-- with the payload in the row every claim and completion rewrote about 700
-- bytes per delivery, and their pages went to the WAL twice per delivery.
-- The payload moves to its own table, keyed by the delivery's seq, and goes
-- with its delivery (ON DELETE CASCADE: a lookup by rowid).
CREATE TABLE delivery_payloads (
    seq     INTEGER PRIMARY KEY REFERENCES deliveries(seq) ON DELETE CASCADE,
    url     TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '[]', -- JSON [{"name","value"}]: the webhook's own headers, snapshotted
    secret  TEXT NOT NULL DEFAULT '',   -- signing secret snapshot; never copied into history or any API output
    body    BLOB NOT NULL
);

INSERT INTO delivery_payloads (seq, url, headers, secret, body)
    SELECT seq, url, headers, secret, body FROM deliveries;

ALTER TABLE deliveries DROP COLUMN url;
ALTER TABLE deliveries DROP COLUMN headers;
ALTER TABLE deliveries DROP COLUMN secret;
ALTER TABLE deliveries DROP COLUMN body;
