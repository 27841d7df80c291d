package content

import (
	"context"
	"strings"
	"testing"

	"hookline/backend/errs"
)

// TestDeepValuesRefused: the service itself (which the desktop bindings
// call with decoded values) refuses objects and types nested deeper than
// 64 levels, naming the limit, and stores nothing.
func TestDeepValuesRefused(t *testing.T) {
	t.Parallel()
	s, _ := newBlog(t)
	ctx := context.Background()
	var deep any = "x"
	for range 65 {
		deep = []any{deep}
	}
	_, err := s.Create(ctx, "blogposts", map[string]any{"id": "deep-1", "title": "t", "extra": deep})
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "64") {
		t.Fatalf("deep object: %v, want a validation error naming 64", err)
	}
	if _, err := s.Get(ctx, "blogposts", "deep-1"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("the deep object was stored: %v", err)
	}
	def := mustJSON(t, blogpostsJSON)
	def["name"], def["extra"] = "deeptype", deep
	if _, err := s.CreateType(ctx, def); errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "64") {
		t.Fatalf("deep type: %v", err)
	}
}
