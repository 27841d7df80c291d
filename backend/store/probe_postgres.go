package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Probe is what a read-only look at a PostgreSQL database found, for
// Settings' "Test connection".
type Probe struct {
	// ServerVersion is what SELECT version() answers.
	ServerVersion string `json:"serverVersion"`
	// Schema is where Hookline's tables are or would be (current_schema()).
	Schema string `json:"schema"`
	// SchemaVersion is the newest Hookline migration applied there; 0 when
	// Hookline has not used this schema yet.
	SchemaVersion int `json:"schemaVersion"`
	// KnownVersion is the newest migration this Hookline has.
	KnownVersion int `json:"knownVersion"`
	// OtherTables counts the tables in Schema when Hookline has none there
	// yet: Hookline would create its own next to them.
	OtherTables int `json:"otherTables"`
}

// ProbePostgres connects to rawURL and looks, without changing anything
// (one READ ONLY transaction, rolled back), at what Open would find: the
// server's version, the schema, and whether its Hookline migrations are
// newer than this Hookline's (ErrTooNew) or, on a fresh schema, whether the
// user may create tables there. Errors never carry the URL's password.
func ProbePostgres(ctx context.Context, rawURL string) (Probe, error) {
	shown := RedactURL(rawURL)
	ms, err := PostgresMigrations()
	if err != nil {
		return Probe{}, err
	}
	p := Probe{KnownVersion: ms[len(ms)-1].Version}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return p, fmt.Errorf("database URL %s: %w", shown, redactErr(rawURL, err))
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return p, redactErr(rawURL, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return p, redactErr(rawURL, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var schema *string
	if err := tx.QueryRow(ctx, `SELECT version(), current_schema()`).Scan(&p.ServerVersion, &schema); err != nil {
		return p, redactErr(rawURL, err)
	}
	if schema == nil {
		var path string
		_ = tx.QueryRow(ctx, `SHOW search_path`).Scan(&path)
		return p, fmt.Errorf("no schema of the search_path (%s) exists in this database; create it first", path)
	}
	p.Schema = *schema
	var hasMigrations bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass(quote_ident(current_schema()) || '.schema_migrations') IS NOT NULL`).Scan(&hasMigrations); err != nil {
		return p, redactErr(rawURL, err)
	}
	if hasMigrations {
		q := `SELECT coalesce(max(version), 0) FROM ` + pgx.Identifier{p.Schema, "schema_migrations"}.Sanitize()
		if err := tx.QueryRow(ctx, q).Scan(&p.SchemaVersion); err != nil {
			return p, redactErr(rawURL, err)
		}
		if p.SchemaVersion > p.KnownVersion {
			return p, fmt.Errorf("%s has schema version %d but this Hookline knows only up to %d: %w; upgrade Hookline or use another database",
				shown, p.SchemaVersion, p.KnownVersion, ErrTooNew)
		}
		return p, nil
	}
	var canCreate bool
	if err := tx.QueryRow(ctx, `SELECT has_schema_privilege(current_schema(), 'CREATE'),
		(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())`).Scan(&canCreate, &p.OtherTables); err != nil {
		return p, redactErr(rawURL, err)
	}
	if !canCreate {
		return p, errors.New("this user may not create tables in schema " + pgx.Identifier{p.Schema}.Sanitize() +
			", and Hookline creates its tables there at its first start; GRANT CREATE ON SCHEMA to it, or use another schema (search_path)")
	}
	return p, nil
}
