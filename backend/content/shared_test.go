package content

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
	svcs := sharedServices(t, 2)
	t.Parallel()
	ctx := context.Background()
	a, b := svcs[0], svcs[1]
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

// sharedServices opens n services over one PostgreSQL schema, as n
// `hookline serve` instances would.
func sharedServices(t *testing.T, n int) []*Service {
	t.Helper()
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env + ": one SQLite file has one process")
	}
	var out []*Service
	for range n {
		db, err := store.Open(context.Background(), store.Options{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out = append(out, New(db, Options{}))
	}
	return out
}

// TestConcurrentWritesOfOneObjectAcrossInstances: writers of one object in
// two instances run one after another, as SQLite's one writer runs them:
// no patch is lost, each version number is used once, two creates of one
// new id give one object and Flotiq's "already used" answer (not a database
// error), and batches naming the same ids in opposite orders do not
// deadlock.
func TestConcurrentWritesOfOneObjectAcrossInstances(t *testing.T) {
	svcs := sharedServices(t, 2)
	t.Parallel()
	ctx := context.Background()
	const writers = 16
	props, order := map[string]any{}, []any{}
	config := map[string]any{}
	for i := range writers {
		p := fmt.Sprintf("p%d", i)
		props[p] = map[string]any{"type": "string"}
		config[p] = map[string]any{"label": p, "inputType": "text", "unique": false}
		order = append(order, p)
	}
	def := map[string]any{
		"name": "racy", "label": "Racy",
		"schemaDefinition": map[string]any{"type": "object", "allOf": []any{
			map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
			map[string]any{"type": "object", "properties": props}}, "required": []any{}, "additionalProperties": false},
		"metaDefinition": map[string]any{"propertiesConfig": config, "order": order},
	}
	if _, err := svcs[0].CreateType(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := svcs[0].Create(ctx, "racy", map[string]any{"id": "one"}); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errc := make(chan error, 4*writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svcs[i%2].Patch(ctx, "racy", "one", map[string]any{fmt.Sprintf("p%d", i): "set"})
			if err != nil {
				errc <- fmt.Errorf("patch p%d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	obj, err := svcs[1].Get(ctx, "racy", "one")
	if err != nil {
		t.Fatal(err)
	}
	for i := range writers {
		if obj[fmt.Sprintf("p%d", i)] != "set" {
			t.Errorf("p%d's patch was lost: %v", i, obj)
		}
	}
	versions, total, err := svcs[0].Versions(ctx, "racy", "one", VersionQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, v := range versions {
		if seen[v.Version] {
			t.Errorf("version %d was written twice", v.Version)
		}
		seen[v.Version] = true
	}
	if total != writers+1 || len(seen) != writers+1 {
		t.Errorf("%d versions (%d distinct), want %d", total, len(seen), writers+1)
	}

	var created atomic.Int32
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svcs[i%2].Create(ctx, "racy", map[string]any{"id": "Fresh", "p0": fmt.Sprint(i)})
			var e *errs.Error
			switch {
			case err == nil:
				created.Add(1)
			case errors.As(err, &e) && e.Code == errs.Invalid && len(e.Fields["id"]) > 0:
			default:
				errc <- fmt.Errorf("create of a taken id: %v, want Flotiq's id error", err)
			}
		}()
	}
	wg.Wait()
	if n := created.Load(); n != 1 {
		t.Errorf("%d creates of one new id succeeded, want 1", n)
	}

	ids := []string{"b1", "b2", "b3", "b4", "b5", "b6"}
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := make([]map[string]any, len(ids))
			for j := range ids {
				k := j
				if i%2 == 1 {
					k = len(ids) - 1 - j // the other order
				}
				items[j] = map[string]any{"id": ids[k], "p1": fmt.Sprint(i)}
			}
			if _, err := svcs[i%2].BatchCreate(ctx, "racy", items, true); err != nil {
				errc <- fmt.Errorf("batch %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	for _, id := range ids {
		if _, total, err := svcs[0].Versions(ctx, "racy", id, VersionQuery{}); err != nil || total != writers {
			t.Errorf("%s: %d versions (%v), want one per batch, %d", id, total, err, writers)
		}
	}
}
