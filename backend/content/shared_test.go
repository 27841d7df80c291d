package content

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hookline/backend/errs"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// TestTypeChangedElsewhereIsEnforcedOnTheNextWrite runs two services over
// one PostgreSQL schema, as two `hookline serve` instances would: a type
// tightened through A is enforced by B on its very next write, although B
// had trusted the old definition a moment before.
func TestTypeChangedElsewhereIsEnforcedOnTheNextWrite(t *testing.T) {
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env + ": one SQLite file has one process")
	}
	t.Parallel()
	ctx := context.Background()
	open := func() *Service {
		db, err := store.Open(ctx, store.Options{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return New(db, Options{})
	}
	a, b := open(), open()
	def := mustJSON(t, blogpostsJSON)
	if _, err := a.CreateType(ctx, def); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"one", "two"} { // the second write is served from B's trusted entry
		if _, err := b.Create(ctx, "blogposts", map[string]any{"title": title, "postContent": "x"}); err != nil {
			t.Fatalf("B, before the change: %v", err)
		}
	}
	props := def["schemaDefinition"].(map[string]any)["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
	props["title"].(map[string]any)["maxLength"] = 5.0
	if _, err := a.UpdateType(ctx, "blogposts", def); err != nil {
		t.Fatal(err)
	}
	_, err := b.Create(ctx, "blogposts", map[string]any{"title": "much too long", "postContent": "x"})
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid || !strings.Contains(strings.Join(e.Fields["title"], " "), "5") {
		t.Fatalf("B's next write after A tightened the type: %v, want a title error", err)
	}
	if _, err := b.Create(ctx, "blogposts", map[string]any{"title": "ok", "postContent": "x"}); err != nil {
		t.Fatalf("B, a valid object under the new type: %v", err)
	}
}
