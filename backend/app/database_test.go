package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"hookline/backend/store/pgtest"
)

func TestDatabaseFlags(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	const secretURL = "postgres://hook:Sup3r-Secret@db.example:5432/h"
	cfg, err := ParseArgs([]string{"serve", "--data", t.TempDir(), "--database", secretURL, "--lease", "10s", "--lease-extend", "2s", "--instance", "ci-1"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != secretURL || cfg.LeaseTTL != 10*time.Second || cfg.LeaseExtend != 2*time.Second || cfg.Instance != "ci-1" {
		t.Fatalf("parsed %+v", cfg)
	}
	if got := cfg.userAgent(); got != "Hookline/"+Version+" (ci-1)" {
		t.Errorf("User-Agent %q", got)
	}
	cfg, err = ParseArgs([]string{"serve", "--data", t.TempDir()}, env(map[string]string{"HOOKLINE_DATABASE_URL": secretURL, "HOOKLINE_MEDIA_DIR": "/shared/media"}), io.Discard)
	if err != nil || cfg.DatabaseURL != secretURL || cfg.mediaDir() != "/shared/media" {
		t.Fatalf("from the environment: %+v, %v", cfg, err)
	}
	cfg, err = ParseArgs([]string{"serve", "--data", "/d"}, env(nil), io.Discard)
	if err != nil || cfg.DatabaseURL != "" || cfg.mediaDir() != "/d/media" {
		t.Fatalf("default: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"--database", "mysql://u:Sup3r-Secret@h/db"},
		{"--database", "host=h password=Sup3r-Secret"},
		{"--lease", "10ms"},
		{"--lease", "10s", "--lease-extend", "10s"},
		{"--lease-extend", "-1s"},
		{"--instance", "no spaces"},
		{"--instance", strings.Repeat("x", 41)},
	} {
		_, err := ParseArgs(append([]string{"serve", "--data", t.TempDir()}, bad...), env(nil), io.Discard)
		if err == nil {
			t.Errorf("%v was accepted", bad)
		} else if strings.Contains(err.Error(), "Sup3r-Secret") {
			t.Errorf("%v: the error repeats the password: %v", bad, err)
		}
	}
}

// TestDatabasePasswordStaysOutOfTheLog opens and runs a whole app on
// PostgreSQL with a debug log and checks that the URL's password appears
// nowhere in it, nor in what the app reports about itself.
func TestDatabasePasswordStaysOutOfTheLog(t *testing.T) {
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env)
	}
	parsed, _ := url.Parse(u)
	pw, ok := parsed.User.Password()
	if !ok || len(pw) < 8 {
		t.Skip("the test server's URL has no password to look for")
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", DatabaseURL: u}, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	info := m.Info().asMap()
	m.Close(context.Background())
	all := logs.String() + " " + strings.Join(mapStrings(info), " ")
	if strings.Contains(all, pw) {
		t.Fatalf("the database password reached the log or the app's info:\n%s", all)
	}
	if !strings.Contains(logs.String(), "xxxxx@") {
		t.Errorf("the log does not name the database (masked): %s", logs.String())
	}
}

func mapStrings(m map[string]any) []string {
	var out []string
	for k, v := range m {
		if s, ok := v.(string); ok {
			out = append(out, k+"="+s)
		}
	}
	return out
}
