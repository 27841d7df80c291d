-- Synchronous webhooks (issue 12) are executed while a save waits, outside
-- the queue, but are logged in the same table as queued deliveries so they
-- show in the same logs sidebar. Such a row is written once, already
-- finished ('done' when the receiver accepted or modified the object,
-- 'error' when it rejected it or failed), and verdict says which of
-- accepted, modified, rejected or failed it was. Queued rows keep ''.
ALTER TABLE deliveries ADD COLUMN verdict TEXT NOT NULL DEFAULT ''
    CHECK (verdict IN ('', 'accepted', 'modified', 'rejected', 'failed'));

-- Draft & Public (issue 12): the publication state of the objects of types
-- with "draftPublic": true. Only those objects have a row; an object of
-- such a type without one existed before the switch was turned on and
-- counts as public at its latest version. public_version is -1 while
-- nothing is public, published_at '' until first published.
CREATE TABLE object_publication (
    type           TEXT    NOT NULL,
    id             TEXT    NOT NULL COLLATE NOCASE,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'public', 'modified', 'archived')),
    public_version INTEGER NOT NULL DEFAULT -1,
    published_at   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (type, id)
);

-- An inbox can answer Flotiq's synchronous webhook requests (issue 12):
-- sync_mode '' answers with its plain script; 'accept' echoes the object,
-- 'modify' applies sync_patch (a JSON merge patch) to it, 'reject' refuses
-- it with sync_errors ({"field":["message"]}).
ALTER TABLE inboxes ADD COLUMN sync_mode TEXT NOT NULL DEFAULT ''
    CHECK (sync_mode IN ('', 'accept', 'modify', 'reject'));
ALTER TABLE inboxes ADD COLUMN sync_errors TEXT NOT NULL DEFAULT '{}';
ALTER TABLE inboxes ADD COLUMN sync_patch TEXT NOT NULL DEFAULT '{}';
