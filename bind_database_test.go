package main

import (
	"context"
	"encoding/json"
	"testing"

	"hookline/backend/app"
	"hookline/backend/store/pgtest"
)

// TestDatabaseBindings: the window's bound methods answer as the REST
// routes do, field errors included (the frontend reads them from the JSON
// that bindErr makes).
func TestDatabaseBindings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := app.Open(ctx, app.Config{Mode: "desktop", DataDir: dir, Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	a := NewApp(m)
	a.ctx = ctx
	v, err := a.DatabaseSetting()
	if err != nil || v.Engine != "sqlite" || v.Source != "default" {
		t.Fatalf("DatabaseSetting: %+v, %v", v, err)
	}
	for name, call := range map[string]func() error{
		"TestDatabase": func() error { _, err := a.TestDatabase("mysql://u:pw@h/db"); return err },
		"SaveDatabase": func() error { _, err := a.SaveDatabase("mysql://u:pw@h/db"); return err },
	} {
		var e struct {
			Status int                 `json:"status"`
			Fields map[string][]string `json:"fields"`
		}
		err := call()
		if err == nil || json.Unmarshal([]byte(err.Error()), &e) != nil || e.Status != 400 || len(e.Fields["url"]) != 1 {
			t.Errorf("%s with a bad URL: %v", name, err)
		}
	}
	if v, err := a.UseSQLite(); err != nil || v.RestartNeeded {
		t.Errorf("UseSQLite: %+v, %v", v, err)
	}
	t.Run("on a real server", func(t *testing.T) {
		u := pgtest.URL(t)
		if u == "" {
			t.Skip("needs " + pgtest.Env + " (scripts/with-postgres.sh sets it)")
		}
		if r, err := a.TestDatabase(u); err != nil || r.ServerVersion == "" {
			t.Errorf("TestDatabase: %+v, %v", r, err)
		}
		if v, err := a.SaveDatabase(u); err != nil || !v.RestartNeeded || v.Next != "postgres" {
			t.Errorf("SaveDatabase: %+v, %v", v, err)
		}
	})
}
