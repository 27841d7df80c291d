package content

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hookline/backend/errs"
)

// seedList creates objects of the every-field type with varied values.
func seedList(t *testing.T) *Service {
	t.Helper()
	s, _ := setup(t)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, everyFieldJSON)); err != nil {
		t.Fatal(err)
	}
	bodies := []string{
		`{"id":"o1","text":"Apple","number":3,"radio":"a","checkbox":true,"tags":["red","green"],"select":"x","email":"a@x.io"}`,
		`{"id":"o2","text":"Banana","number":10,"radio":"b","checkbox":false,"tags":["yellow"],"relation":[{"dataUrl":"/api/v1/content/example/o1","type":"internal"}]}`,
		`{"id":"o3","text":"Cherry","number":7.5,"radio":"a","tags":[],"relation":[{"dataUrl":"/api/v1/content/example/o1","type":"internal"},{"dataUrl":"/api/v1/content/example/o2","type":"internal"}],"list":[{"name":"pit","qty":1}]}`,
		`{"id":"o4","text":"Date 100%","textarea":"under_score","date":"2024-03-01","geo":{"lat":10,"lon":20}}`,
	}
	for _, b := range bodies {
		if _, err := s.Create(ctx, "example", mustJSON(t, b)); err != nil {
			t.Fatalf("%s: %v %v", b, err, errs.FieldsOf(err))
		}
	}
	return s
}

func ids(p Page) string {
	var out []string
	for _, o := range p.Data {
		out = append(out, o["id"].(string))
	}
	return strings.Join(out, ",")
}

func TestFilters(t *testing.T) {
	t.Parallel()
	s := seedList(t)
	ctx := context.Background()
	cases := []struct{ filters, want string }{
		{`{"text":{"type":"equals","filter":"Apple"}}`, "o1"},
		{`{"text":{"type":"equals","filter":["Apple","Cherry"]}}`, "o1,o3"},
		{`{"text":{"type":"notEqual","filter":"Apple"}}`, "o2,o3,o4"},
		{`{"text":{"type":"notEquals","filter":["Apple","Banana"]}}`, "o3,o4"},
		{`{"text":{"type":"contains","filter":"an"}}`, "o2"},
		{`{"text":{"type":"contains","filter":"100%"}}`, "o4"},
		{`{"textarea":{"type":"contains","filter":"r_s"}}`, "o4"},
		{`{"text":{"type":"contains","filter":"e_"}}`, ""},
		{`{"text":{"type":"notContains","filter":"a"}}`, "o3"}, // case-insensitive, as contains
		{`{"text":{"type":"startsWith","filter":"ch"}}`, "o3"},
		{`{"text":{"type":"endsWith","filter":"NA"}}`, "o2"},
		{`{"number":{"type":"lessThan","filter":7.5}}`, "o1"},
		{`{"number":{"type":"lessThanOrEqual","filter":7.5}}`, "o1,o3"},
		{`{"number":{"type":"greaterThan","filter":3}}`, "o2,o3"},
		{`{"number":{"type":"greaterThanOrEqual","filter":10}}`, "o2"},
		{`{"number":{"type":"inRange","filter":3,"filter2":7.5}}`, "o1,o3"},
		{`{"number":{"type":"empty"}}`, "o4"},
		{`{"number":{"type":"notEmpty"}}`, "o1,o2,o3"},
		{`{"tags":{"type":"empty"}}`, "o3,o4"},
		{`{"tags":{"type":"notEmpty"}}`, "o1,o2"},
		{`{"tags":{"type":"overlaps","filter":["green","yellow"]}}`, "o1,o2"},
		{`{"tags":{"type":"includes","filter":"red"}}`, "o1"},
		{`{"checkbox":{"type":"equals","filter":true}}`, "o1"},
		{`{"checkbox":{"type":"equals","filter":false}}`, "o2"},
		{`{"relation[*].dataUrl":{"type":"includes","filter":"/api/v1/content/example/o2"}}`, "o3"},
		{`{"relation[*].dataUrl":{"type":"overlaps","filter":["/api/v1/content/example/o1"]}}`, "o2,o3"},
		{`{"relation[*].dataUrl":{"type":"contains","filter":"o2"}}`, "o3"},
		{`{"relation[*].dataUrl":{"type":"notContains","filter":"o2"}}`, "o1,o2,o4"},
		{`{"relation":{"type":"includes","filter":{"dataUrl":"/api/v1/content/example/o1","type":"internal"}}}`, "o2,o3"},
		{`{"list[*].name":{"type":"equals","filter":"pit"}}`, "o3"},
		{`{"list[0].qty":{"type":"equals","filter":1}}`, "o3"},
		{`{"geo.lat":{"type":"greaterThan","filter":5}}`, "o4"},
		{`{"date":{"type":"greaterThan","filter":"2024-01-01"}}`, "o4"},
		{`{"id":{"type":"equals","filter":"O2"}}`, "o2"},
		{`{"internal.objectTitle":{"type":"startsWith","filter":"B"}}`, "o2"},
		{`{"internal.createdAt":{"type":"greaterThan","filter":"2024-05-01T10:00:04+00:00"}}`, "o4"},
		{`{"internal.createdAt":{"type":"inRange","filter":"2024-05-01 10:00:03","filter2":"2024-05-01 10:00:04"}}`, "o2,o3"},
		{`{"radio":{"type":"equals","filter":"a"},"number":{"type":"greaterThan","filter":5}}`, "o3"},
	}
	for _, c := range cases {
		p, err := s.List(ctx, "example", ListQuery{Filters: c.filters, OrderBy: "id"})
		if err != nil {
			t.Errorf("%s: %v %v", c.filters, err, errs.FieldsOf(err))
			continue
		}
		if got := ids(p); got != c.want || p.Total != len(p.Data) {
			t.Errorf("%s: got %q (total %d), want %q", c.filters, got, p.Total, c.want)
		}
	}
}

func TestParseFiltersErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ raw, msg string }{
		{`{`, "Malformed filters json - Syntax error"},
		{`[1]`, "Malformed filters json - Syntax error"},
		{`{"a":1}`, "must be an object"},
		{`{"a":{"type":"like","filter":"x"}}`, "Unknown filter type"},
		{`{"a b":{"type":"equals","filter":"x"}}`, "Invalid field name"},
		{`{"a[*].b[*]":{"type":"equals","filter":"x"}}`, "Invalid field name"},
		{`{"a":{"type":"inRange","filter":1}}`, "needs filter and filter2"},
		{`{"a":{"type":"overlaps","filter":"x"}}`, "needs an array"},
		{`{"a":{"type":"equals"}}`, "needs a filter value"},
		{`{"a":{"type":"contains","filter":null}}`, "needs a text filter"},
	}
	for _, c := range cases {
		_, err := ParseFilters(c.raw)
		if !hasField(err, "filters", c.msg) {
			t.Errorf("%s: got %v", c.raw, errs.FieldsOf(err))
		}
	}
	s := seedList(t)
	for _, f := range []string{
		`{"internal.nope":{"type":"equals","filter":"x"}}`,
		`{"internal.createdAt":{"type":"lessThan","filter":"yesterday"}}`,
	} {
		if _, err := s.List(context.Background(), "example", ListQuery{Filters: f}); !hasField(err, "filters", "") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestOrderingAndPaging(t *testing.T) {
	t.Parallel()
	s := seedList(t)
	ctx := context.Background()
	cases := []struct {
		q    ListQuery
		want string
	}{
		{ListQuery{}, "o1,o2,o3,o4"},
		{ListQuery{OrderDirection: "desc"}, "o4,o3,o2,o1"},
		{ListQuery{OrderBy: "internal.updatedAt", OrderDirection: "DESC"}, "o4,o3,o2,o1"},
		{ListQuery{OrderBy: "id", OrderDirection: "desc"}, "o4,o3,o2,o1"},
		{ListQuery{OrderBy: "text", OrderDirection: "desc"}, "o4,o3,o2,o1"},
		{ListQuery{OrderBy: "internal.objectTitle"}, "o1,o2,o3,o4"},
		{ListQuery{OrderBy: "number"}, "o1,o3,o2,o4"},
		{ListQuery{OrderBy: "number", OrderDirection: "desc"}, "o2,o3,o1,o4"},
		{ListQuery{OrderBy: "number", EmptyFirst: true}, "o4,o1,o3,o2"},
		{ListQuery{OrderBy: "geo.lat", EmptyFirst: true, OrderDirection: "desc"}, "o3,o2,o1,o4"},
		{ListQuery{Limit: 2}, "o1,o2"},
		{ListQuery{Limit: 2, Page: 2}, "o3,o4"},
		{ListQuery{Limit: 3, Page: 2}, "o4"},
		{ListQuery{Limit: 3, Page: 3}, ""},
		{ListQuery{IDs: []string{"o3", "O1", "ghost"}}, "o1,o3"},
	}
	for _, c := range cases {
		p, err := s.List(ctx, "example", c.q)
		if err != nil {
			t.Errorf("%+v: %v", c.q, err)
			continue
		}
		if got := ids(p); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.q, got, c.want)
		}
		wantTotal := 4
		if c.q.IDs != nil {
			wantTotal = 2
		}
		if p.Total != wantTotal {
			t.Errorf("%+v: total %d", c.q, p.Total)
		}
	}
	for _, q := range []ListQuery{{OrderBy: "nope"}, {OrderBy: "internal.nope"}, {OrderDirection: "up"}, {Limit: MaxLimit + 1}, {OrderBy: "tags[*]"}} {
		if _, err := s.List(ctx, "example", q); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

func TestHydrate(t *testing.T) {
	t.Parallel()
	s := seedList(t)
	ctx := context.Background()
	p, err := s.List(ctx, "example", ListQuery{IDs: []string{"o3"}, Hydrate: 2})
	if err != nil {
		t.Fatal(err)
	}
	rel := p.Data[0]["relation"].([]any)
	o2 := rel[1].(map[string]any)
	if o2["id"] != "o2" || o2["text"] != "Banana" {
		t.Fatalf("hydrated relation = %v", rel)
	}
	if inner := o2["relation"].([]any)[0].(map[string]any); inner["text"] != "Apple" {
		t.Errorf("second level = %v", inner)
	}
	one, _ := s.Get(ctx, "example", "o3")
	if err := s.Hydrate(ctx, 1, one); err != nil {
		t.Fatal(err)
	}
	o2 = one["relation"].([]any)[1].(map[string]any)
	if inner := o2["relation"].([]any)[0].(map[string]any); inner["text"] != nil || inner["dataUrl"] == nil {
		t.Errorf("depth 1 went deeper: %v", inner)
	}
}

func TestListManyPages(t *testing.T) {
	t.Parallel()
	s, _ := newBlog(t)
	ctx := context.Background()
	var batch []map[string]any
	for i := 0; i < 95; i++ {
		batch = append(batch, mustJSON(t, fmt.Sprintf(`{"id":"p%03d","title":"T%03d","postContent":"x"}`, i, 94-i)))
	}
	if _, err := s.BatchCreate(ctx, "blogposts", batch, false); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		p, err := s.List(ctx, "blogposts", ListQuery{Page: page, Limit: 10, OrderBy: "title"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Data) == 0 {
			break
		}
		for _, o := range p.Data {
			if seen[o["id"].(string)] {
				t.Fatalf("page %d repeats %s", page, o["id"])
			}
			seen[o["id"].(string)] = true
		}
	}
	if len(seen) != 95 {
		t.Errorf("paged through %d objects, want 95", len(seen))
	}
}
