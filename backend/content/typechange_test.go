package content

import (
	"context"
	"strings"
	"testing"

	"hookline/backend/errs"
)

func TestTypeChangeStripsRemovedProperties(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	d := mustJSON(t, blogpostsJSON)
	addProp(d, "extra", `{"type":"string"}`, `{"label":"Extra","inputType":"text"}`)
	if _, err := s.CreateType(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		`{"id":"with","title":"A","postContent":"x","extra":"gone soon"}`,
		`{"id":"without","title":"B","postContent":"x"}`,
	} {
		if _, err := s.Create(ctx, "blogposts", mustJSON(t, body)); err != nil {
			t.Fatal(err)
		}
	}
	b.hook.reset()
	if _, err := s.UpdateType(ctx, "blogposts", mustJSON(t, blogpostsJSON)); err != nil {
		t.Fatal(err)
	}
	o, _ := s.Get(ctx, "blogposts", "with")
	if _, ok := o["extra"]; ok || o["internal"].(map[string]any)["latestVersion"] != 2 {
		t.Errorf("after removing extra: %v", o)
	}
	o, _ = s.Get(ctx, "blogposts", "without")
	if o["internal"].(map[string]any)["latestVersion"] != 1 {
		t.Errorf("untouched object got a new version: %v", o)
	}
	changes, committed := b.hook.snapshot()
	if len(changes) != 1 || changes[0].ObjectID != "with" || changes[0].Action != ActionUpdate || changes[0].Version != 2 || committed != 1 {
		t.Errorf("hook: %+v, %d commits", changes, committed)
	}
	// The old version keeps the old value.
	if v1, _ := s.Version(ctx, "blogposts", "with", 1); v1["extra"] != "gone soon" {
		t.Errorf("version 1 = %v", v1)
	}
}

func TestTypeChangeRefusedWhenObjectsCannotComply(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	d := mustJSON(t, blogpostsJSON)
	addProp(d, "extra", `{"type":"string"}`, `{"label":"Extra","inputType":"text"}`)
	if _, err := s.CreateType(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		`{"id":"a","title":"A","postContent":"x","extra":"e"}`,
		`{"id":"b","title":"B","postContent":"x"}`,
	} {
		if _, err := s.Create(ctx, "blogposts", mustJSON(t, body)); err != nil {
			t.Fatal(err)
		}
	}
	b.hook.reset()
	// A newly required property nobody has, while another is removed: the
	// removal must not be half-applied.
	next := mustJSON(t, blogpostsJSON)
	addProp(next, "summary", `{"type":"string","minLength":1}`, `{"label":"Summary","inputType":"text"}`)
	sd(next)["required"] = []any{"title", "postContent", "summary"}
	_, err := s.UpdateType(ctx, "blogposts", next)
	f := errs.FieldsOf(err)
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(strings.Join(f["ctd"], ""), "a, b") ||
		!hasField(err, "summary", "The property summary is required") || f["co.a"] == nil || f["co.b"] == nil {
		t.Fatalf("error = %v", f)
	}
	if o, _ := s.Get(ctx, "blogposts", "a"); o["extra"] != "e" || o["internal"].(map[string]any)["latestVersion"] != 1 {
		t.Errorf("object changed by refused update: %v", o)
	}
	if got, _ := s.GetType(ctx, "blogposts", GetTypeOptions{}); pcOf(got)["summary"] != nil {
		t.Errorf("definition changed by refused update")
	}
	if _, committed := b.hook.snapshot(); committed != 0 {
		t.Errorf("Committed after refused update")
	}
	// A property that is merely new and optional is fine.
	sd(next)["required"] = []any{"title", "postContent"}
	if _, err := s.UpdateType(ctx, "blogposts", next); err != nil {
		t.Errorf("optional new property: %v %v", err, errs.FieldsOf(err))
	}
}

func pcOf(d Definition) map[string]any {
	return d["metaDefinition"].(map[string]any)["propertiesConfig"].(map[string]any)
}

func TestTypeChangeConverts(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, everyFieldJSON)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "example", mustJSON(t, `{"id":"t","text":"T"}`)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Create(ctx, "example", mustJSON(t, `{"id":"o","text":"Keep","textarea":"x","number":42,"checkbox":true,
		"multiselect":["x","y"],"tags":["p","q"],"geo":{"lat":1,"lon":2},"select":"x",
		"relation":[{"dataUrl":"/api/v1/content/example/t","type":"internal"}],"custom":{"k":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	next := mustJSON(t, everyFieldJSON)
	set := func(name, schema, meta string) {
		var sch, m map[string]any
		sch, m = mustJSON(t, schema), mustJSON(t, meta)
		props(next)[name], pc(next)[name] = sch, m
	}
	set("textarea", `{"type":"number"}`, `{"label":"N","inputType":"number"}`)                                              // string -> number: 0
	set("number", `{"type":"string"}`, `{"label":"S","inputType":"text"}`)                                                  // number -> string
	set("checkbox", `{"type":"string"}`, `{"label":"S","inputType":"textarea"}`)                                            // checkbox -> string
	set("multiselect", `{"type":"string"}`, `{"label":"S","inputType":"text"}`)                                             // list -> joined
	set("tags", `{"type":"string"}`, `{"label":"R","inputType":"radio"}`)                                                   // simpleList -> radio: first
	set("geo", `{"type":"string"}`, `{"label":"S","inputType":"text"}`)                                                     // geo -> string
	set("select", `{"type":"array","items":{"type":"string"}}`, `{"label":"L","inputType":"simpleList"}`)                   // string select -> [] (Flotiq's exception)
	set("relation", `{"type":"string"}`, `{"label":"S","inputType":"text"}`)                                                // datasource -> urls
	set("custom", `{"type":"boolean"}`, `{"label":"C","inputType":"checkbox"}`)                                             // anything -> false
	set("text", `{"type":"string","minLength":1}`, `{"label":"E","inputType":"textarea","unique":true,"isTitlePart":true}`) // string -> string: kept
	if _, err := s.UpdateType(ctx, "example", next); err != nil {
		t.Fatalf("%v %v", err, errs.FieldsOf(err))
	}
	o, _ := s.Get(ctx, "example", "o")
	want := map[string]any{"text": "Keep", "textarea": float64(0), "number": "42", "checkbox": "true", "multiselect": "x, y",
		"tags": "p", "geo": "lat: 1, lon: 2", "relation": "/api/v1/content/example/t", "custom": false}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("%s = %#v, want %#v", k, o[k], v)
		}
	}
	if l, ok := o["select"].([]any); !ok || len(l) != 0 {
		t.Errorf("select = %#v, want []", o["select"])
	}
	// The relation became text, so t may now be deleted.
	if err := s.Delete(ctx, "example", "t"); err != nil {
		t.Errorf("delete formerly related: %v", err)
	}
}
