package dbconfig

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"hookline/backend/errs"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// TestConnectionTestAgainstAClosedPort: a clear field error, quickly, with
// the address named and the password not.
func TestConnectionTestAgainstAClosedPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	s := New(Options{DataDir: dir})
	u := "postgres://hook:" + secret + "@" + addr + "/db?sslmode=disable"
	start := time.Now()
	_, err = s.Test(context.Background(), u)
	msg := strings.Join(errs.FieldsOf(err)["url"], " ")
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(msg, "cannot connect") || !strings.Contains(msg, addr) {
		t.Fatalf("test of a closed port: %v (url: %q)", err, msg)
	}
	t.Logf("closed port: %s", msg)
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error repeats the password: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if _, err := s.Save(context.Background(), u); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("an unreachable URL was saved: %v", err)
	}
	if _, err := os.Stat(Path(dir)); !os.IsNotExist(err) {
		t.Errorf("a failed save left a file: %v", err)
	}
	if _, err := s.Test(context.Background(), "mysql://u:"+secret+"@h/db"); errs.CodeOf(err) != errs.Invalid || len(errs.FieldsOf(err)["url"]) != 1 {
		t.Errorf("a non-PostgreSQL URL: %v", err)
	}
}

// TestConnectionTestTimesOut: a server that accepts and never answers is
// given up on after TestTimeout.
func TestConnectionTestTimesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s := New(Options{DataDir: t.TempDir(), TestTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err = s.Test(context.Background(), "postgres://hook:"+secret+"@"+ln.Addr().String()+"/db?sslmode=disable")
	msg := strings.Join(errs.FieldsOf(err)["url"], " ")
	t.Logf("silent server: %s", msg)
	if !strings.Contains(msg, "no answer within 300ms") {
		t.Errorf("silent server: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestConnectionTestOnRealPostgres: the test reports the server version,
// changes nothing (no migration, no table), sees a Hookline schema once one
// exists, and refuses one migrated by a newer Hookline; Save writes the
// URL only when the test passes.
func TestConnectionTestOnRealPostgres(t *testing.T) {
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env + " (scripts/with-postgres.sh sets it)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	s := New(Options{DataDir: dir})
	res, err := s.Test(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.ServerVersion, "PostgreSQL ") || res.SchemaVersion != 0 || res.KnownVersion != store.SchemaVersion() || !strings.HasPrefix(res.Schema, "t_") {
		t.Errorf("fresh schema: %+v", res)
	}
	parsed, _ := url.Parse(u)
	if pw, ok := parsed.User.Password(); ok && strings.Contains(res.URL, pw) {
		t.Errorf("the answer holds the password: %s", res.URL)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("the test changed the database: %d tables, %v", tables, err)
	}

	v, err := s.Save(ctx, u)
	if err != nil || !v.RestartNeeded || v.Next != "postgres" {
		t.Fatalf("save: %+v, %v", v, err)
	}
	if got, _, _ := Load(dir); got != u {
		t.Errorf("saved %q", got)
	}

	db, err := store.Open(ctx, store.Options{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if res, err = s.Test(ctx, u); err != nil || res.SchemaVersion != store.SchemaVersion() {
		t.Errorf("migrated schema: %+v, %v", res, err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', '')`); err != nil {
		t.Fatal(err)
	}
	_, err = s.Test(ctx, u)
	if msg := strings.Join(errs.FieldsOf(err)["url"], " "); !strings.Contains(msg, "schema version 9999") || !strings.Contains(msg, "upgrade Hookline") {
		t.Errorf("a newer schema: %v", err)
	}

	// A search_path naming no schema that exists.
	q := parsed.Query()
	q.Set("search_path", "no_such_schema_here")
	parsed.RawQuery = q.Encode()
	_, err = s.Test(ctx, parsed.String())
	if msg := strings.Join(errs.FieldsOf(err)["url"], " "); !strings.Contains(msg, "no_such_schema_here") {
		t.Errorf("a missing schema: %v", err)
	}
}
