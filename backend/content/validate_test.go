package content

import (
	"context"
	"strings"
	"testing"

	"hookline/backend/errs"
)

// TestObjectValidation has table cases for every input type of §1.5: each
// body is merged over a valid base object and saved through the service, so
// database rules (unique, relation targets) are exercised too.
func TestObjectValidation(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, everyFieldJSON)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "example", mustJSON(t, `{"id":"target","text":"Target"}`)); err != nil {
		t.Fatal(err)
	}

	ok := []struct{ name, body string }{
		{"minimal", `{"text":"A1"}`},
		{"every field", `{"text":"A2","textarea":"t","markdown":"# m","rich":"<b>r</b>","email":"a@b.co","number":12.5,
			"radio":"a","checkbox":true,"select":"x","multiselect":["x","y"],"labelled":"v1","date":"2024-01-02",
			"relation":[{"dataUrl":"/api/v1/content/example/target","type":"internal"}],
			"single":[{"dataUrl":"/api/v1/content/example/TARGET","type":"internal"}],
			"list":[{"name":"n","qty":1,"mail":"x@y.z","rel":[{"dataUrl":"/api/v1/content/example/target","type":"internal"}]}],
			"geo":{"lat":52.2,"lon":21.0},"tags":["a","b"],
			"block":{"time":"1700000000","blocks":[{"id":"x","type":"paragraph","data":{"text":"hi"}}],"version":"2.22.0","extra":1},
			"custom":{"anything":[1,"two",{"three":3}]}}`},
		{"date time with zone", `{"text":"A3","date":"2024-01-02T10:00:00+02:00"}`},
		{"date time without zone", `{"text":"A4","date":"2024-01-02 10:00"}`},
		{"empty optional strings", `{"text":"A5","email":"","select":"","radio":"","date":""}`},
		{"null optional values are dropped", `{"text":"A6","number":null,"geo":null}`},
		{"internal block is ignored", `{"text":"A7","internal":{"contentType":"nope"}}`},
		{"client id", `{"id":"Custom id: ok!","text":"A8"}`},
		{"external relation", `{"text":"A9","relation":[{"dataUrl":"https://example.com/x","type":"external"}]}`},
	}
	for _, c := range ok {
		if _, err := s.Create(ctx, "example", mustJSON(t, c.body)); err != nil {
			t.Errorf("%s: %v (%v)", c.name, err, errs.FieldsOf(err))
		}
	}

	bad := []struct{ name, body, field, msg string }{
		{"required missing", `{"textarea":"x"}`, "text", "The property text is required"},
		{"required empty", `{"text":""}`, "text", "Must be at least 1 characters long"},
		{"pattern", `{"text":"lower"}`, "text", "Does not match the regex pattern ^[A-Z].*$"},
		{"text wrong type", `{"text":5}`, "text", "value found, but a string is required"},
		{"unique", `{"text":"Target"}`, "text", "This value is already used"},
		{"unknown property", `{"text":"B1","nope":1}`, "nope", "is not defined"},
		{"email", `{"text":"B2","email":"not-an-email"}`, "email", "not a valid email"},
		{"number as string", `{"text":"B3","number":"12"}`, "number", "String value found, but a number is required"},
		{"number range", `{"text":"B4","number":1e20}`, "number", "Must be between"},
		{"radio option", `{"text":"B5","radio":"c"}`, "radio", "The value does not match possible options"},
		{"checkbox string", `{"text":"B6","checkbox":"true"}`, "checkbox", "String value found, but a boolean is required"},
		{"select option", `{"text":"B7","select":"z"}`, "select", "The value does not match possible options"},
		{"multiselect option", `{"text":"B8","multiselect":["x","q"]}`, "multiselect", "The value does not match possible options"},
		{"multiselect not a list", `{"text":"B9","multiselect":"x"}`, "multiselect", "value found, but an array is required"},
		{"labelled option label is not a value", `{"text":"C1","labelled":"One"}`, "labelled", "The value does not match possible options"},
		{"date", `{"text":"C2","date":"tomorrow"}`, "date", "not a valid date"},
		{"relation shape", `{"text":"C3","relation":[{"dataUrl":"/api/v1/content/example/target"}]}`, "relation[0].type", "required"},
		{"relation url", `{"text":"C4","relation":[{"dataUrl":"/content/target","type":"internal"}]}`, "relation[0].dataUrl", "/api/v1/content/{type}/{id}"},
		{"relation type", `{"text":"C5","relation":[{"dataUrl":"/api/v1/content/other/x","type":"internal"}]}`, "relation", "must be of type example"},
		{"relation missing", `{"text":"C6","relation":[{"dataUrl":"/api/v1/content/example/ghost","type":"internal"}]}`, "relation", "This value does not exist in database"},
		{"single relation", `{"text":"C7","single":[{"dataUrl":"/api/v1/content/example/target","type":"internal"},{"dataUrl":"/api/v1/content/example/target","type":"internal"}]}`, "single", "Only one"},
		{"list item required", `{"text":"C8","list":[{"qty":1}]}`, "list[0].name", "The property name is required"},
		{"list item email", `{"text":"C9","list":[{"name":"n","mail":"bad"}]}`, "list[0].mail", "not a valid email"},
		{"list item type", `{"text":"D1","list":[{"name":"n","qty":"1"}]}`, "list[0].qty", "a number is required"},
		{"list item relation", `{"text":"D2","list":[{"name":"n","rel":[{"dataUrl":"/api/v1/content/example/ghost","type":"internal"}]}]}`, "list[0].rel", "does not exist in database"},
		{"list not a list", `{"text":"D3","list":{"name":"n"}}`, "list", "an array is required"},
		{"geo missing lon", `{"text":"D4","geo":{"lat":1}}`, "geo.lon", "The property lon is required"},
		{"geo range", `{"text":"D5","geo":{"lat":100,"lon":0}}`, "geo.lat", "between -90 and 90"},
		{"geo extra key", `{"text":"D6","geo":{"lat":1,"lon":2,"alt":3}}`, "geo.alt", "is not defined"},
		{"simple list items", `{"text":"D7","tags":["a",2]}`, "tags[1]", "a string is required"},
		{"block not an object", `{"text":"D8","block":"<p>x</p>"}`, "block", "an object is required"},
		{"block type", `{"text":"D9","block":{"blocks":[{"type":"paragraph"},{"type":"table"}]}}`, "block", "One of the block types (table on index 1) does not match possible types"},
		{"id characters", `{"id":"a/b","text":"E1"}`, "id", "Does not match the regex pattern"},
		{"id empty", `{"id":"","text":"E2"}`, "id", "Must be at least 1 characters long"},
		{"id too long", `{"id":"` + strings.Repeat("x", 256) + `","text":"E3"}`, "id", "at most 255"},
		{"id taken, case-insensitively", `{"id":"TARGET","text":"E4"}`, "id", "This value is already used"},
		{"id not a string", `{"id":5,"text":"E5"}`, "id", "a string is required"},
		{"required null", `{"text":null}`, "text", "NULL value found, but a string is required"},
	}
	for _, c := range bad {
		_, err := s.Create(ctx, "example", mustJSON(t, c.body))
		if !hasField(err, c.field, c.msg) {
			t.Errorf("%s: want %q on %q, got %v", c.name, c.msg, c.field, errs.FieldsOf(err))
		}
	}
}

func TestWebhooksQuirkIsApplied(t *testing.T) {
	t.Parallel()
	var prepared, validated int
	s, _ := setup(t, InternalType{
		Definition: []byte(webhooksJSON),
		Prepare: func(obj map[string]any) {
			prepared++
			if _, ok := obj["enabled"]; !ok {
				obj["enabled"] = true
			}
		},
		Validate: func(obj map[string]any) errs.Fields {
			validated++
			f := errs.Fields{}
			if u, _ := obj["url"].(string); strings.HasPrefix(u, "ftp:") {
				f.Add("url", "ftp is not supported")
			}
			return f
		},
	})
	ctx := context.Background()
	base := `"name":"W","actions":[{"action":"Create"}],"content_type_definitions":[]`
	o, err := s.Create(ctx, "_webhooks", mustJSON(t, `{`+base+`,"url":"https://x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if o["enabled"] != true || !strings.HasPrefix(o["id"].(string), "_webhooks-") {
		t.Errorf("prepare/ids: %v", o)
	}
	// if/then/else: url mode needs a url.
	if _, err := s.Create(ctx, "_webhooks", mustJSON(t, `{`+base+`,"executionMode":"url","url":""}`)); !hasField(err, "url", "at least 1") {
		t.Errorf("else branch: %v", errs.FieldsOf(err))
	}
	if _, err := s.Create(ctx, "_webhooks", mustJSON(t, `{`+base+`,"executionMode":"code","code":""}`)); !hasField(err, "code", "at least 1") {
		t.Errorf("then branch: %v", errs.FieldsOf(err))
	}
	if _, err := s.Create(ctx, "_webhooks", mustJSON(t, `{`+base+`,"url":"ftp://x"}`)); !hasField(err, "url", "ftp is not supported") {
		t.Errorf("Validate: %v", errs.FieldsOf(err))
	}
	if _, err := s.Create(ctx, "_webhooks", mustJSON(t, `{`+base+`,"url":"https://x","headers":[{"header_name":"bad name","header_value":"v"}]}`)); !hasField(err, "headers[0].header_name", "regex") {
		t.Errorf("header pattern: %v", errs.FieldsOf(err))
	}
	if prepared == 0 || validated == 0 {
		t.Errorf("prepare %d, validate %d", prepared, validated)
	}
}

func TestSlugFillsAbsentTarget(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	d := mustJSON(t, blogpostsJSON)
	addProp(d, "slug", `{"type":"string"}`, `{"label":"Slug","inputType":"text"}`)
	d["slugs"] = []any{map[string]any{"source": "title", "target": "slug", "active": true}}
	if _, err := s.CreateType(ctx, d); err != nil {
		t.Fatal(err)
	}
	o, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"Hello World, again!","postContent":"x"}`))
	if err != nil || o["slug"] != "hello-world-again" {
		t.Errorf("slug = %v (%v)", o["slug"], err)
	}
	o, err = s.Create(ctx, "blogposts", mustJSON(t, `{"title":"Other","postContent":"x","slug":""}`))
	if err != nil || o["slug"] != "" {
		t.Errorf("present target kept: %v (%v)", o["slug"], err)
	}
}
