package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"hookline/backend/auth"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

func uiServer(t *testing.T, allowedHosts ...string) (*Server, *auth.Keys) {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Options(t, filepath.Join(t.TempDir(), "h.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := auth.Load(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	ui := fstest.MapFS{"index.html": {Data: []byte("<html><head></head><body></body></html>")}}
	return New(Options{DB: db, Keys: keys, Frontend: ui, AllowedHosts: allowedHosts}), keys
}

func TestSessionTokenOnlyForThisMachine(t *testing.T) {
	t.Parallel()
	s, keys := uiServer(t, "hookline.example")
	for _, tt := range []struct {
		remote string
		want   bool
	}{
		{"127.0.0.1:5555", true},
		{"[::1]:5555", true},
		{"192.0.2.10:5555", false},
	} {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8717/", nil)
		req.RemoteAddr = tt.remote
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		got := strings.Contains(rec.Body.String(), keys.Session())
		if rec.Code != 200 || got != tt.want {
			t.Errorf("from %s: status %d, token in page = %v, want %v", tt.remote, rec.Code, got, tt.want)
		}
	}
}

func TestCustomRefusesAPIKeys(t *testing.T) {
	t.Parallel()
	s, keys := uiServer(t)
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8717/api/ui/custom", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-AUTH-TOKEN", keys.Current().ReadWrite)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "not through the API") {
		t.Fatalf("custom with an API key: %d %s", rec.Code, rec.Body.String())
	}
}
