// Package pgtest gives each test its own PostgreSQL schema, so that tests
// over PostgreSQL stay independent and may run in parallel. The server is
// named by HOOKLINE_TEST_POSTGRES (a postgres:// URL); `make test` starts a
// throwaway cluster and sets it. Without it, tests run on SQLite only.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"hookline/backend/store"
)

// Env is the variable that names the test server.
const Env = "HOOKLINE_TEST_POSTGRES"

// Available reports whether a PostgreSQL server is configured for tests.
func Available() bool { return os.Getenv(Env) != "" }

// URL creates a fresh schema on the test server and returns a URL whose
// connections use it (search_path), dropping it when t ends. It returns ""
// when no server is configured.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		return ""
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", Env, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { Drop(base, schema) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: %s is not a URL: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Drop removes schema and everything in it.
func Drop(base, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
}

// Engines returns the database URLs a parametrised test runs on: "" (a
// SQLite file) always, and a fresh PostgreSQL schema when one is configured.
// Each call to Engines for a subtest makes its own schema.
func Engines() []string {
	if Available() {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Run runs fn as a subtest per engine, with the URL for PostgreSQL ("" for
// SQLite): the same assertions hold on both.
func Run(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) {
			u := ""
			if e == "postgres" {
				u = URL(t)
			}
			fn(t, u)
		})
	}
}

// EngineEnv switches the suites that run on one engine (the packages' own
// tests) to PostgreSQL when set to "postgres"; `make test-postgres` does.
const EngineEnv = "HOOKLINE_TEST_ENGINE"

// OnPostgres reports whether single-engine suites should run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(EngineEnv) == "postgres" && Available() }

// Options returns the store options of a test database: the SQLite file
// at path, or with OnPostgres a fresh PostgreSQL schema.
func Options(t testing.TB, path string) store.Options {
	t.Helper()
	if OnPostgres() {
		// A test that reopens its database by path gets the same schema.
		if u, ok := schemas.Load(path); ok {
			return store.Options{URL: u.(string)}
		}
		u := URL(t)
		schemas.Store(path, u)
		return store.Options{URL: u}
	}
	return store.Options{Path: path}
}

// schemas maps a test's database path to its schema's URL.
var schemas sync.Map

// Main runs a package's tests on SQLite and then, when a PostgreSQL server
// is configured (HOOKLINE_TEST_POSTGRES), the same test binary again with
// HOOKLINE_TEST_ENGINE=postgres, so that every test of the package runs on
// both engines with the same assertions. Use it as the package's TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) { MainOn(m, "") }

// MainOn is Main where only the tests matching pattern (a -test.run
// expression; "" for all) run again on PostgreSQL, unless the command line
// chose tests itself.
func MainOn(m *testing.M, pattern string) {
	code := m.Run()
	if !Available() || os.Getenv(EngineEnv) != "" {
		os.Exit(code)
	}
	fmt.Fprintln(os.Stdout, "pgtest: the same tests on PostgreSQL")
	args := os.Args[1:]
	chose := false
	for _, a := range args {
		chose = chose || strings.HasPrefix(a, "-test.run")
	}
	if pattern != "" && !chose {
		args = append(args, "-test.run="+pattern)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), EngineEnv+"=postgres")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest: on PostgreSQL:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// DatabaseURL is what a test that opens a whole app (app.Config.DatabaseURL)
// passes: "" for SQLite in its data folder, or with OnPostgres a fresh schema.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	if OnPostgres() {
		return URL(t)
	}
	return ""
}
