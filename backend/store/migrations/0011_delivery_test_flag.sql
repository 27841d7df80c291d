-- A delivery queued by "Send test" is marked, so the logs can say so; its
-- request also carries a `webhook-test: 1` header (snapshotted with the
-- webhook's own headers). A redelivery of a test is a test too.
ALTER TABLE deliveries ADD COLUMN test INTEGER NOT NULL DEFAULT 0;

-- Inbox request numbers that stay put. `n` restarts at 1 whenever the
-- inbox's script is saved (it drives fail-first and the fail-rate draw);
-- `number` counts every request the inbox ever recorded, so "#12" keeps
-- naming the same request. Existing requests are numbered in arrival order.
ALTER TABLE inboxes ADD COLUMN total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_requests ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE inbox_requests SET number = (
    SELECT COUNT(*) FROM inbox_requests r WHERE r.inbox = inbox_requests.inbox AND r.seq <= inbox_requests.seq);
UPDATE inboxes SET total = (SELECT COALESCE(MAX(number), 0) FROM inbox_requests r WHERE r.inbox = inboxes.name);
