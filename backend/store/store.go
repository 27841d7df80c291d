// Package store opens Hookline's SQLite database: pragmas, one writer plus a
// small pool of readers, versioned migrations and the InTx helper that every
// service method runs its writes through.
package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options configures Open. Zero fields get defaults.
type Options struct {
	// Path of the database file. Required unless URL is set.
	Path string
	// URL, when set, is a PostgreSQL database (postgres://user:pass@host/db)
	// that several Hookline instances may share; Path is then ignored.
	URL string
	// MaxConns is the size of the PostgreSQL connection pool. Default 16.
	MaxConns int
	// Readers is the size of the read-only pool. Default 4.
	Readers int
	// BusyTimeout is how long a connection waits for a lock. Default 10s.
	BusyTimeout time.Duration
	// Logger receives slow-query and error reports. Default: discard.
	Logger *slog.Logger
	// MaxGroup bounds how many waiting InTx calls share one transaction and
	// one commit (see InTx). Default 64; 1 turns group commit off.
	MaxGroup int
	// SlowThreshold is how long a statement may take before it is logged
	// as slow. Default 200ms.
	SlowThreshold time.Duration
}

func (o *Options) defaults() {
	if o.Readers <= 0 {
		o.Readers = 4
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.MaxGroup <= 0 {
		o.MaxGroup = 64
	}
	if o.SlowThreshold <= 0 {
		o.SlowThreshold = 200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
}

// DB holds the writer and reader handles over one database file.
//
// SQLite allows one writer at a time; funnelling every write through a single
// connection that begins IMMEDIATE transactions means writers queue in Go
// instead of failing with "database is locked". Readers use WAL snapshots and
// never block the writer.
type DB struct {
	// W is the single writer. Use it only through InTx, so that every write
	// happens inside one immediate transaction.
	W *gorm.DB
	// R is the reader pool. Reads through R never see uncommitted writes.
	R    *gorm.DB
	path string
	log  *slog.Logger

	// writes is the queue of InTx calls waiting for the writer.
	writes writeQueue
	// ckpt checkpoints the WAL (see checkpoint.go); nil while migrating.
	ckpt *checkpointer
	// pg is set when the database is PostgreSQL (see store_postgres.go):
	// W and R are then one pool, and InTx runs plain transactions.
	pg *pgState
}

// ErrNotSQLite is returned when Path exists but is not a SQLite database.
var ErrNotSQLite = errors.New("not a SQLite database")

// ErrTooNew is returned when the database was migrated by a newer Hookline.
var ErrTooNew = errors.New("database was written by a newer version of Hookline")

var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens (creating if needed) the database at opts.Path and migrates it.
func Open(ctx context.Context, opts Options) (*DB, error) {
	opts.defaults()
	if opts.URL != "" {
		return openPostgres(ctx, opts)
	}
	pinAllocator()
	if opts.Path == "" {
		return nil, errors.New("store: empty database path")
	}
	if err := checkFile(opts.Path); err != nil {
		return nil, err
	}
	// Create the file ourselves so its mode is 0600 from the first byte;
	// SQLite would otherwise create it with the process umask.
	if f, err := os.OpenFile(opts.Path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("cannot create database %s: %w", opts.Path, err)
	} else {
		f.Close()
	}

	w, err := openGorm(opts, true)
	if err != nil {
		return nil, err
	}
	r, err := openGorm(opts, false)
	if err != nil {
		closeGorm(w)
		return nil, err
	}
	db := &DB{W: w, R: r, path: opts.Path, log: opts.Logger, writes: writeQueue{max: opts.MaxGroup}}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.ckpt, err = startCheckpointer(opts); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkFile refuses to touch an existing file that is not a SQLite database,
// so that pointing --data at the wrong folder can never overwrite anything.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open database %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // an empty file is a fresh database
	}
	if n < len(sqliteMagic) || !bytes.Equal(head, sqliteMagic) {
		return fmt.Errorf("%s: %w; refusing to open or overwrite it", path, ErrNotSQLite)
	}
	return nil
}

func dsn(opts Options, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode syncs at checkpoints, not at every commit: a power
	// cut can lose the last transactions but never corrupts the file.
	q.Add("_pragma", "synchronous(NORMAL)")
	if writer {
		q.Set("_txlock", "immediate")
		// Savepoints (one per grouped InTx call, see InTx) save each page's
		// first change within them to a sub-journal. In memory it costs a
		// copy; as a temporary file, which SQLite switches to past 64 KiB,
		// it costs a write syscall per page. It lives until the commit.
		q.Add("_pragma", "temp_store(MEMORY)")
		// The checkpointer checkpoints instead, off the writer's path.
		q.Add("_pragma", "wal_autocheckpoint(0)")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + filepath.ToSlash(opts.Path) + "?" + q.Encode()
}

func openGorm(opts Options, writer bool) (*gorm.DB, error) {
	g, err := gorm.Open(noParams{&sqlite.Dialector{DSN: dsn(opts, writer)}}, &gorm.Config{
		// Statements are logged without their parameters: those carry
		// webhook secrets, header values and content.
		Logger: logger.New(slogWriter{opts.Logger}, logger.Config{
			SlowThreshold: opts.SlowThreshold, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true, ParameterizedQueries: true,
		}),
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", opts.Path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if writer {
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetMaxIdleConns(1)
	} else {
		sqlDB.SetMaxOpenConns(opts.Readers)
		sqlDB.SetMaxIdleConns(opts.Readers)
	}
	sqlDB.SetConnMaxLifetime(0)
	// Ping so that a file that is not a database fails here, not on first use.
	if err := sqlDB.Ping(); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", opts.Path, err)
	}
	return g, nil
}

// noParams is the SQLite dialector with Explain, which gorm uses only to
// render a statement for its logger, leaving the ? placeholders in place.
// ParameterizedQueries alone is not enough: Raw(…).Scan logs through a
// recorder that renders every bound value.
type noParams struct{ *sqlite.Dialector }

func (noParams) Explain(sql string, _ ...any) string { return sql }

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Printf(format string, args ...any) { w.l.Warn(fmt.Sprintf(format, args...)) }

func closeGorm(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Path returns the database file path, or for PostgreSQL its URL with the
// password masked.
func (db *DB) Path() string { return db.path }

// Logger is the logger the database was opened with (Options.Logger), for
// the packages that react to its notifications off any request.
func (db *DB) Logger() *slog.Logger { return db.log }

// Close closes both pools. The writer closes last so that its close runs the
// final WAL checkpoint.
func (db *DB) Close() error {
	if db.pg != nil {
		db.pg.close()
		return closeGorm(db.W)
	}
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	err = errors.Join(err, closeGorm(db.R))
	return errors.Join(err, closeGorm(db.W))
}
