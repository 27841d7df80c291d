package delivery

// postgresQueries is the queue on PostgreSQL, where several instances claim
// from one table. A claim locks the rows it takes and skips the rows another
// claim holds (FOR UPDATE SKIP LOCKED), so two instances never lease one
// row; the lease (next_attempt_at moved to the expiry, claimed_by set) is
// what hands a crashed instance's rows to the others. JSON array parameters
// arrive as text and are read with jsonb functions.
var postgresQueries = queries{
	claim: `UPDATE deliveries SET claimed_by = ?, next_attempt_at = ?
	WHERE seq IN (SELECT seq FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
	              ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
	RETURNING seq, id, message_id, webhook_id, action, content_type, object_id, attempts, created_at`,
	payload: `SELECT seq, url, headers, secret, tls_ca_pem, body FROM delivery_payloads
	WHERE seq IN (` + pgInts + `)`,
	extend: `UPDATE deliveries SET next_attempt_at = ?
		WHERE seq IN (` + pgInts + `) AND claimed_by = ? AND status = 'pending'`,
	release: `UPDATE deliveries SET claimed_by = NULL, next_attempt_at = ?
		WHERE seq IN (` + pgInts + `) AND claimed_by = ? AND status = 'pending'`,
	complete: `UPDATE deliveries AS d SET status = v.value->>1, attempts = CAST(v.value->>2 AS integer),
		next_attempt_at = CAST(v.value->>3 AS bigint), claimed_by = NULL, response_code = CAST(v.value->>4 AS integer),
		error = v.value->>5, updated_at = CAST(v.value->>6 AS bigint),
		history = CAST(CAST(d.history AS jsonb) || jsonb_build_array(v.value->7) AS text)
	FROM jsonb_array_elements(CAST(? AS jsonb)) AS v(value)
	WHERE d.seq = CAST(v.value->>0 AS bigint) AND d.claimed_by = ?
	RETURNING d.seq`,
	lastStatus: `SELECT ` + summaryCols + ` FROM deliveries WHERE seq IN (
			SELECT (SELECT MAX(seq) FROM deliveries d WHERE d.webhook_id = w.value) FROM jsonb_array_elements_text(CAST(? AS jsonb)) w)`,
	retain: `DELETE FROM deliveries WHERE seq IN (
			SELECT d.seq FROM jsonb_array_elements_text(CAST(? AS jsonb)) w JOIN deliveries d
			ON d.webhook_id = w.value AND d.status <> 'pending' AND d.seq < (
				SELECT x.seq FROM deliveries x WHERE x.webhook_id = w.value AND x.status <> 'pending'
				ORDER BY x.seq DESC LIMIT 1 OFFSET ?))`,
	// Two instances finishing logs of one webhook at once would each count
	// the newest 300 in their own snapshot; holding the webhook's lock
	// while counting makes the later one see the earlier one's rows. Keys
	// are taken in sorted order, so two completers cannot deadlock on them.
	lockWebhooks: `SELECT pg_advisory_xact_lock(hashtext('hookline_retain.' || value))
		FROM (SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb)) ORDER BY value) AS k`,
}

const pgInts = `SELECT CAST(value AS bigint) FROM jsonb_array_elements_text(CAST(? AS jsonb))`
