package store

import (
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// Dialect is the seam between Hookline's SQL and the engine under it. SQL
// that both SQLite and PostgreSQL accept (RETURNING, ON CONFLICT … DO
// UPDATE/NOTHING with excluded.*, CTEs) is written once by the packages;
// what differs is asked of the Dialect, or lives in per-dialect query files
// next to the code that uses them (queries_sqlite.go, queries_postgres.go),
// chosen by the Dialect's Name. Nowhere else tests which engine runs.
type Dialect interface {
	// Name is "sqlite" or "postgres", as gorm's dialectors name themselves.
	Name() string
	// JSONInts is a subquery over one parameter holding a JSON array of
	// integers, selecting them as a column named value:
	// `… WHERE seq IN (` + d.JSONInts() + `)`.
	JSONInts() string
	// JSONTexts is JSONInts for an array of strings.
	JSONTexts() string
	// EqualFold is a condition that col equals the next parameter, ignoring
	// ASCII case.
	EqualFold(col string) string
	// ContainsFold is a condition that col contains the next parameter as a
	// literal substring (no wildcards), ignoring case.
	ContainsFold(col string) string
	// RowID is the column that addresses a table row physically (a page of
	// rows is found by it, then read whole).
	RowID() string
	// NoIndexOrder returns col as an ORDER BY term that keeps the planner
	// from walking an index in that order.
	NoIndexOrder(col string) string
	// LockForUpdate is appended to a SELECT whose rows the transaction is
	// about to change from values it computes in Go, so that another
	// writer cannot change them in between. SQLite needs none: it has one
	// writer.
	LockForUpdate() string
	// SkipLocked is appended to a SELECT that claims rows: rows another
	// transaction holds are passed over rather than waited for.
	SkipLocked() string
	// LockNames is a statement that holds, until the transaction ends, a
	// lock on each name in its parameter (a JSON array of strings), taken
	// in one order every transaction shares: transactions of any instance
	// that name the same thing run one after another, and two that name
	// several cannot deadlock over them. It serialises what has no row to
	// lock yet (two creates of one new id). "" where one writer already
	// runs every transaction in turn (SQLite).
	LockNames() string
	// Sequence is a statement that reserves n (the parameter) fresh ids of
	// table's integer key, one row each; "" where a multi-row INSERT's rows
	// take consecutive ids ending at the driver's LastInsertId (SQLite with
	// one writer), so none need reserving.
	Sequence(table, column string) string
}

// DialectOf returns the dialect of the database under tx (or any handle
// from a DB), so that a function holding only a transaction can build its SQL.
func DialectOf(tx *gorm.DB) Dialect {
	if tx != nil && tx.Dialector != nil && tx.Dialector.Name() == "postgres" {
		return postgresDialect{}
	}
	return sqliteDialect{}
}

// Dialect returns the dialect of db.
func (db *DB) Dialect() Dialect { return DialectOf(db.W) }

type sqliteDialect struct{}

func (sqliteDialect) Name() string                { return "sqlite" }
func (sqliteDialect) JSONInts() string            { return `SELECT value FROM json_each(?)` }
func (sqliteDialect) JSONTexts() string           { return `SELECT value FROM json_each(?)` }
func (sqliteDialect) EqualFold(col string) string { return col + ` = ? COLLATE NOCASE` }
func (sqliteDialect) ContainsFold(col string) string {
	return `instr(lower(` + col + `), lower(?)) > 0`
}
func (sqliteDialect) RowID() string                  { return "rowid" }
func (sqliteDialect) NoIndexOrder(col string) string { return "+" + col }
func (sqliteDialect) LockForUpdate() string          { return "" }
func (sqliteDialect) SkipLocked() string             { return "" }
func (sqliteDialect) LockNames() string              { return "" }
func (sqliteDialect) Sequence(string, string) string { return "" }

type postgresDialect struct{}

func (postgresDialect) Name() string { return "postgres" }
func (postgresDialect) JSONInts() string {
	return `SELECT CAST(value AS bigint) AS value FROM jsonb_array_elements_text(CAST(? AS jsonb))`
}
func (postgresDialect) JSONTexts() string {
	return `SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb))`
}
func (postgresDialect) EqualFold(col string) string { return `lower(` + col + `) = lower(?)` }
func (postgresDialect) ContainsFold(col string) string {
	return `strpos(lower(` + col + ` COLLATE "C"), lower(?)) > 0`
}
func (postgresDialect) RowID() string                  { return "ctid" }
func (postgresDialect) NoIndexOrder(col string) string { return col }
func (postgresDialect) LockForUpdate() string          { return " FOR UPDATE" }
func (postgresDialect) SkipLocked() string             { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) Sequence(table, column string) string {
	return `SELECT nextval(pg_get_serial_sequence('` + table + `', '` + column + `')) FROM generate_series(1, ?)`
}

// jsonPathRe matches one step of the JSON paths Hookline builds ("$.a.b[0]").
var jsonPathRe = regexp.MustCompile(`\.([A-Za-z0-9_]+)|\[([0-9]+)\]`)

// PostgresPath turns a JSON path of the form "$.a.b[0]" (the only form
// Hookline builds, from names its validators accept) into PostgreSQL's
// text[] path literal "{a,b,0}", for the #> and #>> operators.
func PostgresPath(path string) string {
	steps := jsonPathRe.FindAllStringSubmatch(strings.TrimPrefix(path, "$"), -1)
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s[1] + s[2]
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// LockNames takes transaction-scoped advisory locks on the names' hashes
// (within the schema, so that schemas sharing a cluster do not contend), in
// hash order: a volatile function in the select list runs after ORDER BY.
func (postgresDialect) LockNames() string {
	return `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(current_schema() || '.' || value, 0) AS h
		FROM jsonb_array_elements_text(CAST(? AS jsonb))) AS names ORDER BY h`
}
