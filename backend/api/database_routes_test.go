package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hookline/backend/auth"
	"hookline/backend/dbconfig"
	"hookline/backend/store"
)

func databaseServer(t *testing.T) (*Server, *auth.Keys, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "hookline.db")
	db, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := auth.Load(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	d := dbconfig.New(dbconfig.Options{DataDir: dir, Location: path})
	return New(Options{DB: db, Keys: keys, Database: d}), keys, dir
}

// TestDatabaseRoutesRefuseAPIKeys: an API key, read-write or read-only,
// can neither read which database this is nor point the next start
// elsewhere; only the UI session can. Nothing is written for a refusal.
func TestDatabaseRoutesRefuseAPIKeys(t *testing.T) {
	t.Parallel()
	s, keys, dir := databaseServer(t)
	const body = `{"url":"postgres://evil:pw@attacker.example/db"}`
	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/api/ui/database", ""},
		{http.MethodPut, "/api/ui/database", body},
		{http.MethodPost, "/api/ui/database/test", body},
		{http.MethodDelete, "/api/ui/database", ""},
	}
	for _, rt := range routes {
		for name, set := range map[string]func(*http.Request){
			"read-write key":         func(r *http.Request) { r.Header.Set("X-AUTH-TOKEN", keys.Current().ReadWrite) },
			"read-only key":          func(r *http.Request) { r.Header.Set("X-AUTH-TOKEN", keys.Current().ReadOnly) },
			"read-write key (query)": func(r *http.Request) { r.URL.RawQuery = "auth_token=" + keys.Current().ReadWrite },
			"nothing":                func(*http.Request) {},
			"a wrong session":        func(r *http.Request) { r.Header.Set("X-Hookline-Session", "0123456789abcdef") },
			"the session from afar": func(r *http.Request) {
				r.Header.Set("X-Hookline-Session", keys.Session())
				r.RemoteAddr = "192.0.2.10:5555"
			},
		} {
			req := httptest.NewRequest(rt.method, "http://127.0.0.1:8717"+rt.path, strings.NewReader(rt.body))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "127.0.0.1:5555" // this machine: only the credential differs
			set(req)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
				t.Errorf("%s %s with %s: %d %s", rt.method, rt.path, name, rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "hookline.db") {
				t.Errorf("%s %s with %s: the answer names the database: %s", rt.method, rt.path, name, rec.Body.String())
			}
		}
	}
	if _, err := os.Stat(dbconfig.Path(dir)); !os.IsNotExist(err) {
		t.Errorf("a refused request wrote %s: %v", dbconfig.Path(dir), err)
	}
}

// TestDatabaseRoutesWithTheSession: the UI reads the choice, gets a field
// error for a bad URL, and clears; a saved URL is answered masked.
func TestDatabaseRoutesWithTheSession(t *testing.T) {
	t.Parallel()
	s, keys, dir := databaseServer(t)
	call := func(method, path, body string) (int, map[string]any) {
		req := httptest.NewRequest(method, "http://127.0.0.1:8717"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hookline-Session", keys.Session())
		req.RemoteAddr = "127.0.0.1:5555"
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	code, v := call(http.MethodGet, "/api/ui/database", "")
	if code != 200 || v["engine"] != "sqlite" || v["source"] != "default" || v["restartNeeded"] != false {
		t.Fatalf("GET: %d %v", code, v)
	}
	for _, path := range []string{"/api/ui/database/test", "/api/ui/database"} {
		method := http.MethodPost
		if path == "/api/ui/database" {
			method = http.MethodPut
		}
		code, v = call(method, path, `{"url":"mysql://u:Sup3r-Secret@h/db"}`)
		if code != 400 || v["url"] == nil {
			t.Errorf("%s %s with a bad URL: %d %v", method, path, code, v)
		}
		if b, _ := json.Marshal(v); strings.Contains(string(b), "Sup3r-Secret") {
			t.Errorf("%s: the answer repeats the password: %s", path, b)
		}
	}
	if err := dbconfig.Save(dir, "postgres://u:Sup3r-Secret@db.example/h"); err != nil {
		t.Fatal(err)
	}
	code, v = call(http.MethodGet, "/api/ui/database", "")
	if b, _ := json.Marshal(v); code != 200 || v["saved"] != "postgres://u:xxxxx@db.example/h" || v["restartNeeded"] != true || strings.Contains(string(b), "Sup3r-Secret") {
		t.Errorf("GET after a save: %d %s", code, b)
	}
	code, v = call(http.MethodDelete, "/api/ui/database", "")
	if code != 200 || v["saved"] != "" || v["restartNeeded"] != false {
		t.Errorf("DELETE: %d %v", code, v)
	}
}
