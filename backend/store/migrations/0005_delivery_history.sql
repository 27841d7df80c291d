-- Attempts move into their delivery's row, as a JSON array in attempt order.
--
-- A separate row per attempt cost the completer an insert into two b-trees
-- (the table and its unique (delivery_seq, n) index) for every attempt, and
-- retention a cascading delete from both for every log it dropped; the
-- history column is written by the same UPDATE that records the outcome, and
-- goes with the row.
--
-- Each element is one attempt:
--   {"n", "at" (unix ms), "ms" (duration), "code", "rh" (response headers),
--    "body", "trunc", "err", "outcome", "next" (unix ms, for a retry),
--    and the request headers as sent, either in full ("req", rows attempted
--    before this migration) or as the parts that vary per attempt
--    ("ua", "ts", "sig"), the rest being the row's own url/headers/message_id}.
-- The signing secret is never part of it.
ALTER TABLE deliveries ADD COLUMN history TEXT NOT NULL DEFAULT '[]';

UPDATE deliveries SET history = (
    SELECT json_group_array(json(a.rec)) FROM (
        SELECT json_object(
            'n', n, 'at', started_at, 'ms', duration_ms, 'req', json(request_headers),
            'code', response_code, 'rh', json(response_headers),
            'body', CAST(response_body AS TEXT), 'trunc', json(CASE WHEN response_truncated THEN 'true' ELSE 'false' END),
            'err', error, 'outcome', outcome, 'next', next_attempt_at) AS rec
        FROM delivery_attempts WHERE delivery_seq = deliveries.seq ORDER BY n) AS a)
WHERE seq IN (SELECT delivery_seq FROM delivery_attempts);

DROP TABLE delivery_attempts;
