-- A delivery queued by "Send test" is marked, so the logs can say so; its
-- request also carries a `webhook-test: 1` header (snapshotted with the
-- webhook's own headers). A redelivery of a test is a test too.
ALTER TABLE deliveries ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
