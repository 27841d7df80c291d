package delivery

import (
	"gorm.io/gorm"

	"hookline/backend/store"
)

// queries is the queue's SQL that differs between engines (see
// store.Dialect); queries_postgres.go has PostgreSQL's. Everything else in
// the package is written once for both.
type queries struct {
	// claim, payload, extend, release and complete: see claimSQL,
	// payloadSQL, extend, releaseTx and completeSQL.
	claim, payload, extend, release, complete string
	// lastStatus and retain: see LastStatus and retainTx.
	lastStatus, retain string
	// lockWebhooks serialises retention per webhook across instances
	// (one JSON array parameter of webhook ids); "" with one writer.
	lockWebhooks string
}

var sqliteQueries = queries{
	claim:   claimSQL,
	payload: payloadSQL,
	extend: `UPDATE deliveries SET next_attempt_at = ?
		WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND status = 'pending'`,
	release: `UPDATE deliveries SET claimed_by = NULL, next_attempt_at = ?
		WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND status = 'pending'`,
	complete: completeSQL,
	lastStatus: `SELECT ` + summaryCols + ` FROM deliveries WHERE seq IN (
			SELECT (SELECT MAX(seq) FROM deliveries d WHERE d.webhook_id = w.value) FROM json_each(?) w)`,
	retain: `DELETE FROM deliveries WHERE seq IN (
			SELECT d.seq FROM json_each(?) w JOIN deliveries d
			ON d.webhook_id = w.value AND d.status <> 'pending' AND d.seq < (
				SELECT x.seq FROM deliveries x WHERE x.webhook_id = w.value AND x.status <> 'pending'
				ORDER BY x.seq DESC LIMIT 1 OFFSET ?))`,
}

// queriesOf returns the queue's SQL for the engine under tx.
func queriesOf(tx *gorm.DB) *queries {
	if store.DialectOf(tx).Name() == "postgres" {
		return &postgresQueries
	}
	return &sqliteQueries
}
