package store_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	lite, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.PostgresMigrations()
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, m := range pg {
		names[m.Version] = m.Name
	}
	for _, m := range lite {
		if names[m.Version] != m.Name {
			t.Errorf("SQLite migration %04d_%s has no PostgreSQL twin (have %q)", m.Version, m.Name, names[m.Version])
		}
		delete(names, m.Version)
	}
	// 0012 is the SQLite table rebuild merged from main; PostgreSQL's is a no-op.
	delete(names, 12)
	if len(names) > 0 {
		t.Errorf("PostgreSQL migrations without a SQLite twin: %v", names)
	}
}

func TestPostgresPath(t *testing.T) {
	for in, want := range map[string]string{"$.title": "{title}", "$.geo.lat": "{geo,lat}", "$.list[0].name": "{list,0,name}", "$": "{}"} {
		if got := store.PostgresPath(in); got != want {
			t.Errorf("PostgresPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := store.RedactURL("postgres://hook:s3cr%40t@db.local:5432/h?sslmode=disable&password=other")
	if strings.Contains(got, "s3cr") || strings.Contains(got, "other") || !strings.Contains(got, "hook:xxxxx@db.local:5432/h") {
		t.Fatalf("RedactURL = %q", got)
	}
}

func pgURL(t *testing.T) string {
	t.Helper()
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("set " + pgtest.Env + " to run the PostgreSQL tests (make test does)")
	}
	return u
}

func TestPostgresOpenMigratesOnceAndRefusesNewer(t *testing.T) {
	u := pgURL(t)
	ctx := context.Background()
	// Two instances starting together migrate once, under the advisory lock.
	errc := make(chan error, 2)
	dbs := make(chan *store.DB, 2)
	for range 2 {
		go func() {
			db, err := store.Open(ctx, store.Options{URL: u})
			errc <- err
			dbs <- db
		}()
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		db := <-dbs
		defer db.Close()
	}
	db, err := store.Open(ctx, store.Options{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	db.R.Raw(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	ms, _ := store.PostgresMigrations()
	if n != len(ms) {
		t.Fatalf("%d migrations recorded, want %d", n, len(ms))
	}
	if db.Dialect().Name() != "postgres" || !db.Shared() {
		t.Fatalf("dialect %s, shared %v", db.Dialect().Name(), db.Shared())
	}
	if err := db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', '')`).Error
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = store.Open(ctx, store.Options{URL: u})
	if !errors.Is(err, store.ErrTooNew) {
		t.Fatalf("a database from a newer Hookline opened: %v", err)
	}
}

func TestPostgresSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	base := os.Getenv(pgtest.Env)
	if base == "" {
		t.Skip("set " + pgtest.Env + " to run the PostgreSQL tests (make test does)")
	}
	u, _ := url.Parse(base)
	const secret = "N0t-the-Passw0rd"
	u.User = url.UserPassword(u.User.Username(), secret)
	var logs bytes.Buffer
	_, err := store.Open(context.Background(), store.Options{URL: u.String(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err == nil {
		t.Fatal("a wrong password opened the database")
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Fatalf("the password leaked: %v\n%s", err, logs.String())
	}
	t.Logf("refused with: %v", err)
}

func TestPostgresNotificationsReachOtherInstances(t *testing.T) {
	u := pgURL(t)
	ctx := context.Background()
	a, b := openTwo(t, u)
	got := make(chan string, 16)
	b.Subscribe(func(p string) { got <- p })
	// The listener says "*" once it is connected.
	waitFor(t, got, "*")
	if err := a.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO content_types(name, id, definition, created_at, updated_at) VALUES ('x', 'x1', '{}', '', '')`).Error
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, got, "types:1")
	var v int64
	b.R.Raw(`SELECT version FROM cache_versions WHERE name = 'types'`).Scan(&v)
	if v != 1 {
		t.Fatalf("types version %d after one change", v)
	}
}

func waitFor(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case p := <-ch:
			if p == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %q notification", want)
		}
	}
}

// TestCacheVersionLocks: a change of a cached kind (here a content type,
// inserted directly so that only the trigger takes the lock) waits for the
// writes that read the version, and a write that starts while the change
// is open waits for it and then sees the new version, never the old one.
func TestCacheVersionLocks(t *testing.T) {
	u := pgURL(t)
	ctx := context.Background()
	a, b := openTwo(t, u)

	reading, release := make(chan int64), make(chan struct{})
	writer := make(chan error, 1)
	go func() {
		writer <- a.InTx(ctx, func(tx *gorm.DB) error {
			v, err := a.CacheVersion(tx, "types")
			reading <- v
			<-release
			return err
		})
	}()
	before := <-reading
	changed := make(chan error, 1)
	go func() {
		changed <- b.InTx(ctx, func(tx *gorm.DB) error {
			return tx.Exec(`INSERT INTO content_types(name, id, definition, created_at, updated_at) VALUES ('locked', 'l1', '{}', '', '')`).Error
		})
	}()
	select {
	case err := <-changed:
		t.Fatalf("the type change committed (%v) while a write trusting version %d was open", err, before)
	case <-time.After(300 * time.Millisecond):
	}
	// A write that starts now waits behind the change, then sees it.
	late := make(chan int64, 1)
	go func() {
		a.InTx(ctx, func(tx *gorm.DB) error {
			v, err := a.CacheVersion(tx, "types")
			late <- v
			return err
		})
	}()
	close(release)
	if err := <-writer; err != nil {
		t.Fatal(err)
	}
	if err := <-changed; err != nil {
		t.Fatal(err)
	}
	if v := <-late; v != before+1 {
		t.Fatalf("a write queued behind the change read version %d, want %d", v, before+1)
	}
}

// openTwo opens two handles on the PostgreSQL schema u, as two instances.
func openTwo(t *testing.T, u string) (a, b *store.DB) {
	t.Helper()
	for _, db := range []**store.DB{&a, &b} {
		var err error
		if *db, err = store.Open(context.Background(), store.Options{URL: u}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { (*db).Close() })
	}
	return a, b
}
