package inbox

import (
	"gorm.io/gorm"

	"hookline/backend/store"
)

// pgSummaryColumns is summaryColumns on PostgreSQL: the headers and a
// Hookline webhook body are read as jsonb (see hookline_json_or_null in
// migrations_postgres/0004_inbox.sql).
const pgSummaryColumns = `seq, id, inbox, n, number, method, path, query, body_size, truncated, remote_addr, received_at,
	signature, signature_reason, failure, roll, resp_status, abandoned_ms,
	COALESCE(CAST(headers AS jsonb) -> 'Content-Type' ->> 0, '') AS content_type,
	COALESCE(hookline_json_or_null(body) ->> 'action', '') AS hook_action,
	COALESCE(hookline_json_or_null(body) ->> 'contentTypeName', '') AS hook_type,
	COALESCE(hookline_json_or_null(body) #>> '{payload,id}', '') AS hook_object`

// summaryColumnsOf returns the summary columns for the engine under tx.
func summaryColumnsOf(tx *gorm.DB) string {
	if store.DialectOf(tx).Name() == "postgres" {
		return pgSummaryColumns
	}
	return summaryColumns
}
