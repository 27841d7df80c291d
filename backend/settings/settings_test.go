package settings

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"hookline/backend/errs"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    Delivery
		field string // "" = valid
	}{
		{"zero is defaults", Delivery{}, ""},
		{"full", Delivery{Workers: 4, Timeout: "3s", RetryDelays: []string{"1s", "1m"}}, ""},
		{"too many workers", Delivery{Workers: 257}, "workers"},
		{"negative workers", Delivery{Workers: -1}, "workers"},
		{"bad timeout", Delivery{Timeout: "soon"}, "timeout"},
		{"timeout too short", Delivery{Timeout: "10ms"}, "timeout"},
		{"bad delay", Delivery{RetryDelays: []string{"1s", "x"}}, "retryDelays[1]"},
		{"negative delay", Delivery{RetryDelays: []string{"-1s"}}, "retryDelays[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if _, ok := errs.FieldsOf(err)[tt.field]; !ok {
				t.Fatalf("err = %v, want a message for %s", err, tt.field)
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	db, err := store.Open(context.Background(), pgtest.Options(t, filepath.Join(t.TempDir(), "h.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if d, err := Load(context.Background(), db); err != nil || d.Workers != 0 {
		t.Fatalf("empty load = %+v, %v", d, err)
	}
	in := Delivery{Workers: 3, Timeout: "2s", RetryDelays: []string{"1s", "5s"}}
	if _, err := Save(context.Background(), db, in); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(context.Background(), db, Delivery{Workers: 999}); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("invalid save: %v", err)
	}
	got, err := Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := got.Validate()
	if p.Workers != 3 || p.Timeout != 2*time.Second || len(p.RetryDelays) != 2 || p.RetryDelays[1] != 5*time.Second {
		t.Fatalf("loaded %+v", p)
	}
}
