-- PostgreSQL twin of migrations/0006_delivery_payloads.sql: what a delivery
-- sends moves to its own table, so that claims and completions update a
-- narrow row.
CREATE TABLE delivery_payloads (
    seq     BIGINT PRIMARY KEY REFERENCES deliveries(seq) ON DELETE CASCADE,
    url     TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '[]',
    secret  TEXT NOT NULL DEFAULT '',
    body    BYTEA NOT NULL
);

INSERT INTO delivery_payloads (seq, url, headers, secret, body)
    SELECT seq, url, headers, secret, body FROM deliveries;

ALTER TABLE deliveries DROP COLUMN url;
ALTER TABLE deliveries DROP COLUMN headers;
ALTER TABLE deliveries DROP COLUMN secret;
ALTER TABLE deliveries DROP COLUMN body;
