-- Synchronous webhooks (issue 12) are executed while a save waits, outside
-- the queue, but are logged in the same table as queued deliveries so they
-- show in the same logs sidebar. Such a row is written once, already
-- finished ('done' when the receiver accepted or modified the object,
-- 'error' when it rejected it or failed), and verdict says which of
-- accepted, modified, rejected or failed it was. Queued rows keep ''.
ALTER TABLE deliveries ADD COLUMN verdict TEXT NOT NULL DEFAULT ''
    CHECK (verdict IN ('', 'accepted', 'modified', 'rejected', 'failed'));
