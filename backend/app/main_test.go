package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"hookline/backend/errs"
	"hookline/backend/settings"
)

func TestOpenStartCloseWithFallbackPort(t *testing.T) {
	t.Parallel()
	// Occupy a port, then ask the desktop config for it: it must fall back.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	cfg := Config{Mode: "desktop", DataDir: dir, Addr: busy.Addr().String(), AddrFallback: true}
	ui := fstest.MapFS{"index.html": {Data: []byte("<html><head></head><body>hi</body></html>")}}
	m, err := Open(context.Background(), cfg, ui, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	if info.APIURL == "http://"+busy.Addr().String() || !strings.Contains(info.PortNote, "was busy") {
		t.Errorf("no fallback: %+v", info)
	}
	res, err := http.Get(info.APIURL + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != 200 || body["status"] != "ok" {
		t.Errorf("health = %d %v", res.StatusCode, body)
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v, want 0700", st.Mode().Perm())
	}
}

func TestServeModeDoesNotFallBack(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: t.TempDir(), Addr: busy.Addr().String()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	err = m.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("err = %v, want a clear 'already in use'", err)
	}
}

func TestUnwritableDataFolderIsNamed(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	_, err := Open(context.Background(), Config{DataDir: filepath.Join(file, "data")}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(file, "data")) {
		t.Fatalf("err = %v, want it to name the folder", err)
	}
}

func TestDeliverySettingsFlagsWinAndApplyAtNextStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Running.Workers != 8 || v.Running.Timeout != "10s" || len(v.Running.RetryDelays) != 5 || v.RestartNeeded {
		t.Fatalf("defaults: %+v", v)
	}
	if _, err := m.SaveSettings(context.Background(), settings.Delivery{Workers: 99999}); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("invalid save: %v", err)
	}
	v, err = m.SaveSettings(context.Background(), settings.Delivery{Workers: 3, Timeout: "2s", RetryDelays: []string{"1s"}})
	if err != nil {
		t.Fatal(err)
	}
	if !v.RestartNeeded || v.Running.Workers != 8 {
		t.Fatalf("after save: %+v", v)
	}
	m.Close(context.Background())

	// Next start: stored settings apply, but a flag wins.
	m, err = Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0", Workers: 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	v, _ = m.Settings(context.Background())
	if v.Running.Workers != 5 || v.Running.Timeout != "2s" || len(v.Running.RetryDelays) != 1 || v.RestartNeeded {
		t.Fatalf("restarted: %+v", v)
	}
	if len(v.Flags) != 1 || v.Flags[0] != "workers" {
		t.Fatalf("flags = %v", v.Flags)
	}
}

func TestSecondInstanceOnOneFolderIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another Hookline") {
		t.Fatalf("second open: %v", err)
	}
	m.Close(context.Background())
	m2, err := Open(context.Background(), Config{Mode: "serve", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	m2.Close(context.Background())
}
