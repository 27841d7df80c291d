package content

import (
	"context"
	"testing"

	"hookline/backend/errs"
)

// If-Match: a write that names the stored version goes through; one that
// names an older version is refused with the stored one, writes nothing,
// and reports no change; a write that names none is unaffected.
func TestExpectedVersion(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, blogpostsJSON)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Create(ctx, "blogposts", map[string]any{"id": "p1", "title": "One", "postContent": "x"})
	if err != nil {
		t.Fatal(err)
	}
	at1 := WithExpectedVersion(ctx, 1)
	if _, err := s.Replace(at1, "blogposts", "p1", map[string]any{"title": "Two", "postContent": "x"}); err != nil {
		t.Fatalf("replace at the stored version: %v", err)
	}
	changes := len(b.hook.changes)

	// The editor still holds version 1; the object is at 2.
	for name, write := range map[string]func() error{
		"replace": func() error {
			_, err := s.Replace(at1, "blogposts", "P1", map[string]any{"title": "Mine", "postContent": "x"})
			return err
		},
		"patch": func() error { _, err := s.Patch(at1, "blogposts", "p1", map[string]any{"title": "Mine"}); return err },
	} {
		err := write()
		if errs.CodeOf(err) != errs.PreconditionFailed {
			t.Fatalf("%s at a stale version: %v, want precondition_failed", name, err)
		}
		if v, ok := ConflictVersion(err); !ok || v != 2 {
			t.Errorf("%s: conflict names version %d (%v), want 2", name, v, ok)
		}
	}
	got, err := s.Get(ctx, "blogposts", "p1")
	if err != nil || got["title"] != "Two" || got["internal"].(map[string]any)["latestVersion"] != 2 {
		t.Fatalf("after refused writes: %v, %v", got, err)
	}
	if len(b.hook.changes) != changes {
		t.Errorf("a refused write reported %d changes", len(b.hook.changes)-changes)
	}
	// No expectation (Flotiq's clients) and the matching one both write.
	if _, err := s.Patch(ctx, "blogposts", "p1", map[string]any{"title": "Three"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Patch(WithExpectedVersion(ctx, 3), "blogposts", "p1", map[string]any{"title": "Four"}); err != nil {
		t.Fatal(err)
	}

	// Types: the revision.
	rev, err := s.TypeVersion(ctx, "blogposts")
	if err != nil || rev != 1 {
		t.Fatalf("type version %d, %v", rev, err)
	}
	def := mustJSON(t, blogpostsJSON)
	def["label"] = "Posts"
	if _, err := s.UpdateType(WithExpectedVersion(ctx, 1), "blogposts", def); err != nil {
		t.Fatal(err)
	}
	def["label"] = "Stale"
	_, err = s.UpdateType(WithExpectedVersion(ctx, 1), "blogposts", def)
	if v, ok := ConflictVersion(err); !ok || v != 2 || errs.CodeOf(err) != errs.PreconditionFailed {
		t.Fatalf("stale type update: %v (version %d)", err, v)
	}
}
