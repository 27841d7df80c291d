package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hookline/backend/errs"
)

// pgState is what a DB over PostgreSQL holds besides its gorm pool: the
// listener for the Hookline channel and its subscribers.
type pgState struct {
	url     string // as given: holds the password; never logged or shown
	channel string // 'hookline_' || current_schema()

	mu   sync.Mutex
	subs []func(payload string)

	stop    context.CancelFunc
	stopped chan struct{}
}

// IsDatabaseURL reports whether s names a PostgreSQL database
// (postgres://… or postgresql://…).
func IsDatabaseURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// RedactURL returns u with its password (in the userinfo or a password
// query parameter) replaced, for logs and error messages.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if p.User != nil {
		if _, ok := p.User.Password(); ok {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	q := p.Query()
	for k := range q {
		if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
			q.Set(k, "xxxxx")
		}
	}
	p.RawQuery = q.Encode()
	return p.String()
}

// redactErr removes the password from an error's text: pgx's connection
// errors name the host and user, and a URL parse error would quote it all.
func redactErr(rawURL string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if p, perr := url.Parse(rawURL); perr == nil && p.User != nil {
		if pw, ok := p.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
			msg = strings.ReplaceAll(msg, url.QueryEscape(pw), "xxxxx")
		}
	}
	msg = strings.ReplaceAll(msg, rawURL, RedactURL(rawURL))
	return redacted{msg, err}
}

// redacted is an error with its text cleaned that still unwraps to the
// original (ErrTooNew, a context error).
type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }

// openPostgres opens the database at opts.URL: one pool shared by readers
// and writers (PostgreSQL locks rows itself; the single writer and group
// commit are SQLite's answer to its one-writer lock), migrations under an
// advisory lock, and the listener for cross-instance notifications.
func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	shown := RedactURL(opts.URL)
	if _, err := pgx.ParseConfig(opts.URL); err != nil {
		return nil, fmt.Errorf("database URL %s: %w", shown, redactErr(opts.URL, err))
	}
	g, err := gorm.Open(postgres.New(postgres.Config{DSN: opts.URL}), &gorm.Config{
		// As for SQLite: statements are logged without their parameters.
		Logger: logger.New(slogWriter{opts.Logger}, logger.Config{
			SlowThreshold: opts.SlowThreshold, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true, ParameterizedQueries: true,
		}),
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", shown, redactErr(opts.URL, err))
	}
	if err := refuseNUL(g); err != nil {
		return nil, err
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(opts.MaxConns)
	sqlDB.SetMaxIdleConns(opts.MaxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, opts.BusyTimeout)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", shown, redactErr(opts.URL, err))
	}
	db := &DB{W: g, R: g, path: shown, log: opts.Logger, pg: &pgState{url: opts.URL}}
	if err := db.migratePostgres(ctx); err != nil {
		sqlDB.Close()
		return nil, redactErr(opts.URL, err)
	}
	var schema string
	if err := g.WithContext(ctx).Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
		sqlDB.Close()
		return nil, redactErr(opts.URL, err)
	}
	db.pg.channel = "hookline_" + schema
	db.pg.startListener(opts)
	return db, nil
}

// inTxPostgres runs fn in one transaction of its own, READ COMMITTED as
// PostgreSQL defaults to. Rows a fn changes from values it computed in Go are
// read with Dialect.LockForUpdate, and claims skip locked rows, so several
// instances writing at once neither lose updates nor claim a row twice.
func (db *DB) inTxPostgres(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// As with SQLite, fn's statements are not cut short by ctx: a write
	// that has started finishes or fails on its own.
	return conflictOf(db.W.WithContext(context.WithoutCancel(ctx)).Transaction(fn))
}

// conflictOf answers a clash between concurrent writers that no lock
// foresaw (a deadlock between two cascading publishes, a key two inserts
// raced for) as a Conflict rather than an internal error: PostgreSQL rolled
// the transaction back whole, and the same request sent again gets its real
// answer. Writers of one object never get here: they lock it first (see
// Dialect.LockNames).
func conflictOf(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40P01", "40001", "23505": // deadlock, serialization failure, unique violation
			return &errs.Error{Code: errs.Conflict,
				Message: "Another writer changed the same data at the same moment; nothing was saved, send the request again"}
		}
	}
	return err
}

// migratePostgres applies the PostgreSQL migrations in one transaction that
// holds an advisory lock, so that instances starting together migrate once.
func (db *DB) migratePostgres(ctx context.Context) error {
	ms, err := migrationsFrom(postgresMigrationFS, "migrations_postgres")
	if err != nil {
		return err
	}
	known := ms[len(ms)-1].Version
	err = db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.hookline_migrate'))`).Error; err != nil {
			return err
		}
		if err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL)`).Error; err != nil {
			return err
		}
		var applied []int
		if err := tx.Raw(`SELECT version FROM schema_migrations ORDER BY version`).Scan(&applied).Error; err != nil {
			return err
		}
		if n := len(applied); n > 0 && applied[n-1] > known {
			return fmt.Errorf("%s has schema version %d but this Hookline knows only up to %d: %w; upgrade Hookline or use another database",
				db.path, applied[n-1], known, ErrTooNew)
		}
		done := map[int]bool{}
		for _, v := range applied {
			done[v] = true
		}
		for _, m := range ms {
			if done[m.Version] {
				continue
			}
			if err := tx.Exec(m.SQL).Error; err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTooNew) {
			return err
		}
		return fmt.Errorf("open database %s: %w", db.path, err)
	}
	return nil
}

// Subscribe registers fn for the payloads of the Hookline channel (see
// migrations_postgres/0013_change_notify.sql). fn runs on the listener's
// goroutine and must not block. After the listener (re)connects, fn gets
// "*": notifications may have been missed, so the queue should be looked
// at (caches rely on their version check for that). On SQLite there is one
// process and no notifications; Subscribe does nothing.
func (db *DB) Subscribe(fn func(payload string)) {
	if db == nil || db.pg == nil {
		return
	}
	db.pg.mu.Lock()
	db.pg.subs = append(db.pg.subs, fn)
	db.pg.mu.Unlock()
}

// Shared reports whether other processes may write to this database at the
// same time (PostgreSQL): caches must then be checked, and claims found at
// start may belong to a live instance.
func (db *DB) Shared() bool { return db != nil && db.pg != nil }

func (p *pgState) publish(payload string) {
	p.mu.Lock()
	subs := append([]func(string){}, p.subs...)
	p.mu.Unlock()
	for _, fn := range subs {
		fn(payload)
	}
}

// backlog tells subscribers that the listener has just (re)connected.
type backlog struct{ p *pgState }

func (b backlog) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	b.p.publish(n.Payload)
	return nil
}

func (b backlog) HandleBacklog(context.Context, string, *pgx.Conn) error {
	b.p.publish("*")
	return nil
}

func (p *pgState) startListener(opts Options) {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.stopped = cancel, make(chan struct{})
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			c, err := pgx.Connect(ctx, p.url)
			return c, redactErr(p.url, err)
		},
		LogError: func(_ context.Context, err error) {
			if ctx.Err() == nil {
				opts.Logger.Warn("store: notification listener", "err", redactErr(p.url, err))
			}
		},
		ReconnectDelay: time.Second,
	}
	l.Handle(p.channel, backlog{p})
	go func() {
		defer close(p.stopped)
		l.Listen(ctx)
	}()
}

func (p *pgState) close() {
	p.stop()
	<-p.stopped
}

// CacheVersion returns the change count of a cached kind of definition
// ("types" or "webhooks", see migrations_postgres/0013_change_notify.sql) as
// q sees it, holding a shared lock on that kind so that a change of it
// cannot commit until q's transaction ends, nor q read past one that is
// being made. An entry cached at version v may be trusted while
// CacheVersion is still v. On SQLite one process makes every change and
// drops its own caches, so the version is always 0 and nothing is read.
//
// The lock is a transaction-scoped advisory lock, taken shared by every
// write and exclusive by a change (LockCacheVersion, and the triggers of
// migrations_postgres/0015_cache_locks.sql). It was the count's row, read
// FOR SHARE: every write then rewrote that one tuple's lock word (a
// MultiXact of all the writers in flight, WAL-logged), and under 16
// concurrent writers the statement took 200 to 500 ms. The count is read
// in a statement of its own after the lock is granted, so that under READ
// COMMITTED it sees the change that held the lock, if one did.
func (db *DB) CacheVersion(q *gorm.DB, name string) (int64, error) {
	if db == nil || db.pg == nil {
		return 0, nil
	}
	if err := q.Exec(`SELECT pg_advisory_xact_lock_shared(hookline_cache_key(?))`, name).Error; err != nil {
		return 0, err
	}
	var v int64
	err := q.Raw(`SELECT version FROM cache_versions WHERE name = ?`, name).Scan(&v).Error
	return v, err
}

// LockCacheVersion takes the lock of CacheVersion exclusively, for a
// transaction about to change that kind of definition: it waits for the
// writes that trust a cached entry to end, and keeps new ones out until it
// commits, so that no write runs under a definition being replaced, and
// changes of that kind run one at a time. The triggers that count a change
// take it too, for changes made without this call. Nothing on SQLite, whose
// one writer runs every transaction in turn.
func (db *DB) LockCacheVersion(q *gorm.DB, name string) error {
	if db == nil || db.pg == nil {
		return nil
	}
	return q.Exec(`SELECT pg_advisory_xact_lock(hookline_cache_key(?))`, name).Error
}

// URL returns the PostgreSQL URL the database was opened with, password
// included, for opening another handle on it (tests, a second instance in
// one process); "" for SQLite. Never log it: Path is the printable form.
func (db *DB) URL() string {
	if db == nil || db.pg == nil {
		return ""
	}
	return db.pg.url
}
