-- PostgreSQL twin of migrations/0005_delivery_history.sql: attempts move
-- into their delivery's row as a JSON array (kept as TEXT, see 0002).
ALTER TABLE deliveries ADD COLUMN history TEXT NOT NULL DEFAULT '[]';

UPDATE deliveries SET history = (
    SELECT jsonb_agg(jsonb_build_object(
            'n', n, 'at', started_at, 'ms', duration_ms, 'req', request_headers::jsonb,
            'code', response_code, 'rh', response_headers::jsonb,
            'body', convert_from(response_body, 'UTF8'), 'trunc', response_truncated <> 0,
            'err', error, 'outcome', outcome, 'next', next_attempt_at) ORDER BY n)::text
    FROM delivery_attempts WHERE delivery_seq = deliveries.seq)
WHERE seq IN (SELECT delivery_seq FROM delivery_attempts);

DROP TABLE delivery_attempts;
