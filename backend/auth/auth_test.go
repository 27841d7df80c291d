package auth

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

func open(t *testing.T, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestKeysPersistAndRegenerate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := pgtest.Options(t, filepath.Join(t.TempDir(), "hookline.db"))
	db := open(t, opts)
	k, err := Load(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	first := k.Current()
	if len(first.ReadWrite) != 48 || len(first.ReadOnly) != 48 || first.ReadWrite == first.ReadOnly {
		t.Fatalf("generated keys: %+v", first)
	}
	if k.Check(first.ReadWrite) != ReadWrite || k.Check(first.ReadOnly) != ReadOnly || k.Check("") != None || k.Check("nope") != None {
		t.Fatal("roles of the generated keys")
	}
	again, err := Load(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	if again.Current() != first {
		t.Fatalf("keys changed across a load: %+v then %+v", first, again.Current())
	}
	next, err := k.Regenerate(ctx, "readOnly")
	if err != nil {
		t.Fatal(err)
	}
	if next.ReadOnly == first.ReadOnly || next.ReadWrite != first.ReadWrite {
		t.Fatalf("regenerating the read-only key: %+v then %+v", first, next)
	}
	if k.Check(first.ReadOnly) != None || k.Check(next.ReadOnly) != ReadOnly {
		t.Fatal("the old read-only key still works, or the new one does not")
	}
	if _, err := k.Regenerate(ctx, "admin"); err == nil {
		t.Fatal("an unknown key name was accepted")
	}
	pinned, err := Load(ctx, db, "pinned-key-of-at-least-32-characters")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pinned.Regenerate(ctx, "readWrite"); err == nil {
		t.Fatal("a key pinned by HOOKLINE_API_KEY was regenerated")
	}
}

// TestKeyRegeneratedElsewhereStopsWorkingHere runs two instances' keys over
// one PostgreSQL schema: a key regenerated through A (because it leaked)
// stops working on B at once, not at B's next restart. A pinned read-write
// key stays pinned.
func TestKeyRegeneratedElsewhereStopsWorkingHere(t *testing.T) {
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env + ": one SQLite file has one process")
	}
	t.Parallel()
	ctx := context.Background()
	a, err := Load(ctx, open(t, store.Options{URL: u}), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(ctx, open(t, store.Options{URL: u}), "")
	if err != nil {
		t.Fatal(err)
	}
	pinnedKey := "pinned-key-of-at-least-32-characters"
	c, err := Load(ctx, open(t, store.Options{URL: u}), pinnedKey)
	if err != nil {
		t.Fatal(err)
	}
	old := a.Current()
	if b.Current() != old {
		t.Fatalf("two instances loaded different keys: %+v and %+v", old, b.Current())
	}
	for _, which := range []string{"readWrite", "readOnly"} {
		if _, err := a.Regenerate(ctx, which); err != nil {
			t.Fatal(err)
		}
	}
	next := a.Current()
	deadline := time.Now().Add(5 * time.Second)
	for b.Check(old.ReadWrite) != None || b.Check(old.ReadOnly) != None {
		if time.Now().After(deadline) {
			t.Fatal("B still accepts the keys A regenerated 5 s ago")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if b.Check(next.ReadWrite) != ReadWrite || b.Check(next.ReadOnly) != ReadOnly {
		t.Fatalf("B does not accept A's new keys: %+v", b.Current())
	}
	waitFor := time.Now().Add(5 * time.Second)
	for c.Check(next.ReadOnly) != ReadOnly {
		if time.Now().After(waitFor) {
			t.Fatal("the pinned instance did not take the new read-only key")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c.Check(pinnedKey) != ReadWrite || c.Check(next.ReadWrite) != None {
		t.Fatal("the pinned read-write key was replaced by the stored one")
	}
}
