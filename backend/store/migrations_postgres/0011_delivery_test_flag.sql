-- PostgreSQL twin of migrations/0011_delivery_test_flag.sql.
ALTER TABLE deliveries ADD COLUMN test INTEGER NOT NULL DEFAULT 0;

ALTER TABLE inboxes ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_requests ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE inbox_requests SET number = (
    SELECT COUNT(*) FROM inbox_requests r WHERE r.inbox = inbox_requests.inbox AND r.seq <= inbox_requests.seq);
UPDATE inboxes SET total = (SELECT COALESCE(MAX(number), 0) FROM inbox_requests r WHERE r.inbox = inboxes.name);
