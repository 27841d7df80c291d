package content

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"hookline/backend/errs"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; the f.Add seeds below are
// the minimum that keeps each target meaningful without them.

// FuzzValidateType: parsing any JSON as a type definition never panics;
// a definition that passes compiles, validates objects, and passes again
// after a round trip through its stored form.
func FuzzValidateType(f *testing.F) {
	f.Add([]byte(blogpostsJSON))
	f.Add([]byte(everyFieldJSON))
	f.Fuzz(func(t *testing.T, data []byte) {
		var def map[string]any
		if json.Unmarshal(data, &def) != nil || def == nil {
			return
		}
		td, fields := parseType(def, false)
		for k, msgs := range fields {
			if k == "" || len(msgs) == 0 {
				t.Fatalf("empty field key or messages: %q %v", k, msgs)
			}
		}
		if len(fields) > 0 {
			return
		}
		if td.schema == nil {
			t.Fatal("valid type without a schema")
		}
		td.check(map[string]any{})
		stored, err := json.Marshal(td.raw)
		if err != nil {
			t.Fatal(err)
		}
		var again map[string]any
		if err := json.Unmarshal(stored, &again); err != nil {
			t.Fatal(err)
		}
		if _, f2 := parseType(again, false); len(f2) > 0 {
			t.Fatalf("stored form no longer validates: %v", f2)
		}
	})
}

// FuzzValidateObject: validating any JSON object against a type with every
// input type never panics, and errors always name a field.
func FuzzValidateObject(f *testing.F) {
	td, fields := parseType(mustJSON(f, everyFieldJSON), false)
	if len(fields) > 0 {
		f.Fatal(fields)
	}
	f.Add([]byte(`{"text":"A","list":[{"name":"n"}],"geo":{"lat":1,"lon":2}}`))
	f.Add([]byte(`{"text":5,"relation":[{"dataUrl":"/api/v1/content/example/x","type":"internal"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var obj map[string]any
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			return
		}
		props, err := bodyProps(obj)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("bodyProps: %v", err)
			}
			return
		}
		td.normalize(props)
		for k, msgs := range td.check(props) {
			if k == "" || len(msgs) == 0 {
				t.Fatalf("empty field key or messages: %q %v", k, msgs)
			}
		}
		for _, r := range collectRefs(td.props, props, "") {
			if r.typeName == "" || r.id == "" || r.path == "" {
				t.Fatalf("bad ref %+v", r)
			}
		}
		_ = td.titleOf(props)
	})
}

// FuzzParseFilters: any filters string either fails with a 400 on
// "filters" or compiles to SQL whose placeholders match its arguments and
// which SQLite runs without error.
func FuzzParseFilters(f *testing.F) {
	s, _ := setupFuzz(f)
	f.Add(`{"title":{"type":"equals","filter":"x"}}`)
	f.Add(`{"tags[*]":{"type":"overlaps","filter":["a",1,true,null]}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		filters, err := ParseFilters(raw)
		if err != nil {
			if !hasField(err, "filters", "") {
				t.Fatalf("error not on filters: %v", err)
			}
			return
		}
		for _, flt := range filters {
			frag, err := filterSQL(flt)
			if err != nil {
				continue
			}
			if n := strings.Count(frag.sql, "?"); n != len(frag.args) {
				t.Fatalf("%v: %d placeholders, %d args in %s", flt, n, len(frag.args), frag.sql)
			}
		}
		_, err = s.List(context.Background(), "example", ListQuery{Filters: raw})
		if err != nil && errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("%s: %v", raw, err)
		}
	})
}

// setupFuzz opens a service with a few objects once per fuzzing process.
func setupFuzz(f *testing.F) (*Service, *testBundle) {
	s, b := setupTB(f)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(f, everyFieldJSON)); err != nil {
		f.Fatal(err)
	}
	for _, body := range []string{
		`{"id":"o1","text":"Apple","number":3,"tags":["a","b"]}`,
		`{"id":"o2","text":"Banana","relation":[{"dataUrl":"/api/v1/content/example/o1","type":"internal"}],"list":[{"name":"x"}]}`,
	} {
		if _, err := s.Create(ctx, "example", mustJSON(f, body)); err != nil {
			f.Fatal(err)
		}
	}
	return s, b
}
