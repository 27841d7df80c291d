package app

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"hookline/backend/dbconfig"
)

// TestDatabaseChoicePrecedence: --database > HOOKLINE_DATABASE_URL > the
// data folder's database.json > SQLite, the same for the desktop window
// (which has no --database flag) and for `hookline serve`.
func TestDatabaseChoicePrecedence(t *testing.T) {
	t.Parallel()
	const fileURL, envURL, flagURL = "postgres://u:Sup3r-Secret@file.example/db", "postgres://u@env.example/db", "postgres://u@flag.example/db"
	dir := t.TempDir()
	if err := dbconfig.Save(dir, fileURL); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	withEnv := env(map[string]string{"HOOKLINE_DATABASE_URL": envURL})
	for _, tt := range []struct {
		name   string
		args   []string
		getenv func(string) string
		url    string
		source dbconfig.Source
	}{
		{"serve: flag over env and file", []string{"serve", "--data", dir, "--database", flagURL}, withEnv, flagURL, dbconfig.FromFlag},
		{"serve: env over file", []string{"serve", "--data", dir}, withEnv, envURL, dbconfig.FromEnv},
		{"serve: the file", []string{"serve", "--data", dir}, env(nil), fileURL, dbconfig.FromFile},
		{"serve: SQLite", []string{"serve", "--data", t.TempDir()}, env(nil), "", dbconfig.FromDefault},
		{"desktop: env over file", []string{"--data", dir}, withEnv, envURL, dbconfig.FromEnv},
		{"desktop: the file", []string{"--data", dir}, env(nil), fileURL, dbconfig.FromFile},
		{"desktop: the file through HOOKLINE_DATA", nil, env(map[string]string{"HOOKLINE_DATA": dir}), fileURL, dbconfig.FromFile},
		{"desktop: SQLite", []string{"--data", t.TempDir()}, env(nil), "", dbconfig.FromDefault},
		{"export: the file", []string{"export", "--data", dir, t.TempDir()}, env(nil), fileURL, dbconfig.FromFile},
	} {
		cfg, err := ParseArgs(tt.args, tt.getenv, io.Discard)
		if err != nil || cfg.DatabaseURL != tt.url || cfg.DatabaseSource != tt.source {
			t.Errorf("%s: %q from %q, %v; want %q from %q", tt.name, cfg.DatabaseURL, cfg.DatabaseSource, err, tt.url, tt.source)
		}
	}
}

// TestBrokenDatabaseFileStopsTheStart: no silent fallback to SQLite, a
// message naming the file, and never the password.
func TestBrokenDatabaseFileStopsTheStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(dbconfig.Path(dir), []byte(`{"engine":"postgres","url":"postgres://u:Sup3r-Secret@h/db"`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--data", dir}, {"serve", "--data", dir}} {
		_, err := ParseArgs(args, func(string) string { return "" }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), dbconfig.Path(dir)) || strings.Contains(err.Error(), "Sup3r-Secret") {
			t.Errorf("%v: %v", args, err)
		}
	}
	// The flag or the environment still decide over a broken file: it is
	// not read then.
	cfg, err := ParseArgs([]string{"--data", dir}, func(k string) string {
		if k == "HOOKLINE_DATABASE_URL" {
			return "postgres://u@env.example/db"
		}
		return ""
	}, io.Discard)
	if err != nil || cfg.DatabaseSource != dbconfig.FromEnv {
		t.Errorf("env over a broken file: %+v, %v", cfg, err)
	}
}

// TestUnreachableSavedDatabaseSaysHowToGoBack: the window may not open at
// all, so the start-up error names the file to delete.
func TestUnreachableSavedDatabaseSaysHowToGoBack(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	if err := dbconfig.Save(dir, "postgres://u:Sup3r-Secret@"+addr+"/db?sslmode=disable&connect_timeout=2"); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseArgs([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), cfg, nil, nil)
	if err == nil || !strings.Contains(err.Error(), dbconfig.Path(dir)) || !strings.Contains(err.Error(), "delete that file") || strings.Contains(err.Error(), "Sup3r-Secret") {
		t.Errorf("open: %v", err)
	}
}

// TestSettingsSeeTheRunningDatabase: an app on SQLite reports it, from the
// default, with nothing to restart for.
func TestSettingsSeeTheRunningDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	v, err := m.Database.Current()
	if err != nil || v.Engine != "sqlite" || v.Source != dbconfig.FromDefault || v.Location != m.DB.Path() || v.RestartNeeded {
		t.Errorf("%+v, %v", v, err)
	}
}
