-- PostgreSQL twin of migrations/0010_sync_webhooks.sql.
ALTER TABLE deliveries ADD COLUMN verdict TEXT NOT NULL DEFAULT ''
    CHECK (verdict IN ('', 'accepted', 'modified', 'rejected', 'failed'));

CREATE TABLE object_publication (
    type           TEXT    NOT NULL,
    id             TEXT    NOT NULL COLLATE nocase,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'public', 'modified', 'archived')),
    public_version INTEGER NOT NULL DEFAULT -1,
    published_at   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (type, id)
);

ALTER TABLE inboxes ADD COLUMN sync_mode TEXT NOT NULL DEFAULT ''
    CHECK (sync_mode IN ('', 'accept', 'modify', 'reject'));
ALTER TABLE inboxes ADD COLUMN sync_errors TEXT NOT NULL DEFAULT '{}';
ALTER TABLE inboxes ADD COLUMN sync_patch TEXT NOT NULL DEFAULT '{}';
