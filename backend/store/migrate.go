package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Migrations are plain SQL files named NNNN_name.sql, applied in order, each
// in its own transaction, and recorded in schema_migrations. Schema changes
// only ever happen here: there is no AutoMigrate.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// PostgreSQL's migrations carry the same version numbers and names, so one
// schema version means the same schema on either engine.
//
//go:embed migrations_postgres/*.sql
var postgresMigrationFS embed.FS

// Migration is one schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) { return migrationsFrom(migrationFS, "migrations") }

// PostgresMigrations returns the PostgreSQL migrations in version order.
func PostgresMigrations() ([]Migration, error) {
	return migrationsFrom(postgresMigrationFS, "migrations_postgres")
}

func migrationsFrom(fsys embed.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", name)
		}
		body, err := fsys.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Numbers need not be consecutive (0008 and 0009 were never used), but
	// each is used once.
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migration version %d is used twice", out[i].Version)
		}
	}
	return out, nil
}

// SchemaVersion is the highest migration this build knows.
func SchemaVersion() int {
	m, err := Migrations()
	if err != nil || len(m) == 0 {
		return 0
	}
	return m[len(m)-1].Version
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	err = db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL)`).Error
	})
	if err != nil {
		return fmt.Errorf("open database %s: %w", db.path, err)
	}
	var applied []int
	if err := db.W.WithContext(ctx).Raw(`SELECT version FROM schema_migrations ORDER BY version`).Scan(&applied).Error; err != nil {
		return err
	}
	done := map[int]bool{}
	for _, v := range applied {
		done[v] = true
	}
	if n := len(applied); n > 0 && (len(ms) == 0 || applied[n-1] > ms[len(ms)-1].Version) {
		return fmt.Errorf("%s has schema version %d but this Hookline knows only up to %d: %w; upgrade Hookline or use another --data folder",
			db.path, applied[n-1], SchemaVersion(), ErrTooNew)
	}
	// Every migration not yet recorded runs, in version order, so one that
	// filled a gap (merged after a later one ran) is not skipped.
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		err := db.InTx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(m.SQL).Error; err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)).Error
		})
		if err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}
