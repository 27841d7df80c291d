package reliability

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"hookline/backend/app"
	"hookline/backend/store/pgtest"
)

// inproc is a whole Hookline started in the test process with app.Open and
// Start, as `hookline serve` starts it, on a real loopback port.
type inproc struct {
	m   *app.Main
	a   *api
	key string
	dir string
	log *output // everything the app logged, at debug level
}

// testUI stands in for the embedded frontend.
var testUI = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><html><head></head><body>ui</body></html>")}}

// startApp opens and starts an app over a fresh data folder. cfg may adjust
// the defaults: 4 workers, a 1s per-attempt timeout, retries after 150ms
// and 150ms (three attempts in all).
func startApp(t testing.TB, adjust func(*app.Config)) *inproc {
	t.Helper()
	in := &inproc{key: "rw-" + randomHex(16), dir: filepath.Join(t.TempDir(), "data"), log: &output{}}
	cfg := app.Config{
		Mode: "serve", DataDir: in.dir, Addr: "127.0.0.1:0", APIKey: in.key,
		Workers: 4, Timeout: time.Second, RetryDelays: []time.Duration{150 * time.Millisecond, 150 * time.Millisecond},
		DatabaseURL: pgtest.DatabaseURL(t),
	}
	if adjust != nil {
		adjust(&cfg)
	}
	log := slog.New(slog.NewTextHandler(in.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := app.Open(context.Background(), cfg, testUI, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		m.Close(context.Background())
		t.Fatal(err)
	}
	in.m = m
	in.a = newAPI(m.URL, in.key)
	t.Cleanup(func() { in.close(t) })
	return in
}

func (in *inproc) close(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := in.m.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
}
