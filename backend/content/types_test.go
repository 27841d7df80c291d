package content

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

// everyFieldJSON has one property of every input type, plus a list whose
// items have their own schema, as in Flotiq's "example with every type of
// field".
const everyFieldJSON = `{
  "name": "example", "label": "Example", "autoSave": false,
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {"type": "object", "properties": {
        "text": {"type": "string", "minLength": 1, "pattern": "^[A-Z].*$"},
        "textarea": {"type": "string"},
        "markdown": {"type": "string"},
        "rich": {"type": "string"},
        "email": {"type": "string"},
        "number": {"type": "number"},
        "radio": {"type": "string"},
        "checkbox": {"type": "boolean"},
        "select": {"type": "string"},
        "multiselect": {"type": "array", "items": {"type": "string"}},
        "labelled": {"type": "string"},
        "date": {"type": "string"},
        "relation": {"type": "array", "items": {"$ref": "#/components/schemas/DataSource"}, "minItems": 0},
        "single": {"type": "array", "items": {"$ref": "#/components/schemas/DataSource"}},
        "list": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string", "minLength": 1},
            "qty": {"type": "number"},
            "mail": {"type": "string"},
            "rel": {"type": "array", "items": {"$ref": "#/components/schemas/DataSource"}}
          }, "required": ["name"]}},
        "geo": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}, "additionalProperties": false, "required": ["lat", "lon"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "block": {"type": "object", "properties": {"time": {"type": "number"}, "blocks": {"type": "array"}, "version": {"type": "string"}}, "additionalProperties": false},
        "custom": {"type": "object"}
      }}
    ],
    "required": ["text"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "propertiesConfig": {
      "text": {"label": "Text", "inputType": "text", "unique": true, "isTitlePart": true},
      "textarea": {"label": "Textarea", "inputType": "textarea", "unique": false},
      "markdown": {"label": "Markdown", "inputType": "textMarkdown", "unique": false},
      "rich": {"label": "Rich", "inputType": "richtext", "unique": false},
      "email": {"label": "Email", "inputType": "email", "unique": false},
      "number": {"label": "Number", "inputType": "number", "unique": false, "isTitlePart": true},
      "radio": {"label": "Radio", "inputType": "radio", "unique": false, "options": ["a", "b"]},
      "checkbox": {"label": "Checkbox", "inputType": "checkbox", "unique": false},
      "select": {"label": "Select", "inputType": "select", "unique": false, "options": ["x", "y"]},
      "multiselect": {"label": "Multi", "inputType": "select", "unique": false, "multiple": true, "options": ["x", "y"]},
      "labelled": {"label": "Labelled", "inputType": "select", "unique": false, "useOptionsWithLabels": true, "optionsWithLabels": [{"value": "v1", "label": "One"}]},
      "date": {"label": "Date", "inputType": "dateTime", "unique": false, "showTime": true},
      "relation": {"label": "Relation", "inputType": "datasource", "unique": false, "validation": {"relationContenttype": "example", "relationMultiple": true}},
      "single": {"label": "Single", "inputType": "datasource", "unique": false, "validation": {"relationContenttype": "", "relationMultiple": false}},
      "list": {"label": "List", "inputType": "object", "unique": false, "items": {
        "order": ["name", "qty", "mail", "rel"],
        "propertiesConfig": {
          "name": {"label": "Name", "inputType": "text", "unique": false},
          "qty": {"label": "Qty", "inputType": "number", "unique": false},
          "mail": {"label": "Mail", "inputType": "email", "unique": false},
          "rel": {"label": "Rel", "inputType": "datasource", "unique": false, "validation": {"relationContenttype": "example"}}
        }}},
      "geo": {"label": "Geo", "inputType": "geo", "unique": false},
      "tags": {"label": "Tags", "inputType": "simpleList", "unique": false},
      "block": {"label": "Block", "inputType": "block", "unique": false, "blockEditorTypes": ["paragraph", "header"]},
      "custom": {"label": "Custom", "inputType": "custom", "unique": false}
    },
    "order": ["text", "textarea", "markdown", "rich", "email", "number", "radio", "checkbox", "select", "multiselect", "labelled", "date", "relation", "single", "list", "geo", "tags", "block", "custom"]
  }
}`

func TestParseTypeAcceptsFlotiqExamples(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{"blogposts": blogpostsJSON, "every field": everyFieldJSON} {
		td, f := parseType(mustJSON(t, src), false)
		if len(f) > 0 {
			t.Errorf("%s: unexpected errors %v", name, f)
			continue
		}
		if td.schema == nil {
			t.Errorf("%s: no compiled schema", name)
		}
	}
}

// TestParseTypeRules has one case per Flotiq CTD rule: each mutates a valid
// definition and expects a message on a field.
func TestParseTypeRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(d map[string]any)
		field  string
		msg    string
	}{
		{"name missing", func(d map[string]any) { delete(d, "name") }, "name", "The property name is required"},
		{"name empty", func(d map[string]any) { d["name"] = "" }, "name", "Must be at least 1 characters long"},
		{"name upper case", func(d map[string]any) { d["name"] = "Blog" }, "name", "This value is not valid."},
		{"name digits", func(d map[string]any) { d["name"] = "blog2" }, "name", "This value is not valid."},
		{"name reserved for system types", func(d map[string]any) { d["name"] = "_media" }, "name", "This value is not valid."},
		{"label missing", func(d map[string]any) { delete(d, "label") }, "label", "The property label is required"},
		{"label empty", func(d map[string]any) { d["label"] = "" }, "label", "Must be at least 1 characters long"},
		{"schema missing", func(d map[string]any) { delete(d, "schemaDefinition") }, "schemaDefinition", "required"},
		{"meta missing", func(d map[string]any) { delete(d, "metaDefinition") }, "metaDefinition", "required"},
		{"schema type", func(d map[string]any) { sd(d)["type"] = "array" }, "schemaDefinition.type", "object"},
		{"additionalProperties", func(d map[string]any) { sd(d)["additionalProperties"] = true }, "schemaDefinition.additionalProperties", "false"},
		{"allOf length", func(d map[string]any) { sd(d)["allOf"] = []any{} }, "schemaDefinition.allOf", "exactly 2"},
		{"allOf ref", func(d map[string]any) { sd(d)["allOf"].([]any)[0] = map[string]any{"$ref": "#/x"} }, "schemaDefinition.allOf.0.$ref", "AbstractContentTypeSchemaDefinition"},
		{"allOf properties", func(d map[string]any) { sd(d)["allOf"].([]any)[1] = map[string]any{"type": "object"} }, "schemaDefinition.allOf.1.$ref", "properties"},
		{"no properties", func(d map[string]any) {
			props(d)["title"], props(d)["postContent"] = nil, nil
			delete(props(d), "title")
			delete(props(d), "postContent")
			sd(d)["required"] = []any{}
			md(d)["propertiesConfig"] = map[string]any{}
			md(d)["order"] = []any{}
		}, "schemaDefinition.properties", "You must specify at least one schema property"},
		{"bad property name", func(d map[string]any) {
			addProp(d, "bad-name", `{"type":"string"}`, `{"label":"x","inputType":"text"}`)
		}, "schemaDefinition.properties", "Only a-z, A-Z, 0-9 and _ are allowed"},
		{"reserved property", func(d map[string]any) {
			addProp(d, "internal", `{"type":"string"}`, `{"label":"x","inputType":"text"}`)
		}, "schemaDefinition.properties", "Property name internal not allowed"},
		{"reserved property _id", func(d map[string]any) { addProp(d, "_id", `{"type":"string"}`, `{"label":"x","inputType":"text"}`) }, "schemaDefinition.properties", "Property name _id not allowed"},
		{"schema type enum", func(d map[string]any) { props(d)["title"] = map[string]any{"type": "text"} }, "schemaDefinition.allOf[1].properties.title.type", "Does not have a value in the enumeration"},
		{"meta missing a property", func(d map[string]any) { delete(pc(d), "postContent") }, "metaDefinition.propertiesConfig", "Property name postContent not existing in meta definition"},
		{"schema missing a property", func(d map[string]any) {
			pc(d)["extra"] = map[string]any{"label": "x", "inputType": "text"}
		}, "metaDefinition.propertiesConfig", "Property name extra not existing in schema definition"},
		{"order incomplete", func(d map[string]any) { md(d)["order"] = []any{"title"} }, "metaDefinition.order", "Property name postContent not existing in the order"},
		{"order unknown", func(d map[string]any) { md(d)["order"] = []any{"title", "postContent", "nope"} }, "metaDefinition.order", "nope not existing in schema definition"},
		{"order repeated", func(d map[string]any) { md(d)["order"] = []any{"title", "postContent", "title"} }, "metaDefinition.order", "repeated"},
		{"meta label", func(d map[string]any) { delete(pc(d)["title"].(map[string]any), "label") }, "metaDefinition.propertiesConfig.title.label", "The property label is required"},
		{"inputType enum", func(d map[string]any) { pc(d)["title"].(map[string]any)["inputType"] = "wysiwyg" }, "metaDefinition.propertiesConfig.title.inputType", "Does not have a value in the enumeration"},
		{"wrong meta type", func(d map[string]any) { pc(d)["title"].(map[string]any)["inputType"] = "number" }, "metaDefinition.propertiesConfig.title", "Wrong meta type for type of title"},
		{"relation needs type", func(d map[string]any) {
			addProp(d, "rel", `{"type":"array","items":{"$ref":"#/components/schemas/DataSource"}}`, `{"label":"Rel","inputType":"datasource"}`)
		}, "metaDefinition.propertiesConfig.rel", "You have to specify type of relation for rel"},
		{"relation items", func(d map[string]any) {
			addProp(d, "rel", `{"type":"array","items":{"type":"string"}}`, `{"label":"Rel","inputType":"datasource","validation":{"relationContenttype":""}}`)
		}, "schemaDefinition.allOf[1].properties.rel.items", "DataSource"},
		{"radio not unique", func(d map[string]any) {
			addProp(d, "r", `{"type":"string"}`, `{"label":"R","inputType":"radio","unique":true,"options":["a"]}`)
		}, "metaDefinition.propertiesConfig.r.unique", "cannot be unique"},
		{"checkbox not unique", func(d map[string]any) {
			addProp(d, "c", `{"type":"boolean"}`, `{"label":"C","inputType":"checkbox","unique":true}`)
		}, "metaDefinition.propertiesConfig.c.unique", "cannot be unique"},
		{"required unknown", func(d map[string]any) { sd(d)["required"] = []any{"nope"} }, "schemaDefinition.allOf[1].properties", "Required property nope"},
		{"active slug without source", func(d map[string]any) {
			d["slugs"] = []any{map[string]any{"source": "nope", "target": "title", "active": true}}
		}, "slugs[0].source", "does not exist"},
		{"active slug without target", func(d map[string]any) { d["slugs"] = []any{map[string]any{"source": "title", "active": true}} }, "slugs[0].target", "Slug target is required."},
		{"bad pattern", func(d map[string]any) { props(d)["title"] = map[string]any{"type": "string", "pattern": "(?=x)"} }, "schemaDefinition.allOf[1].properties.title.pattern", "not valid regex"},
		{"bad minLength", func(d map[string]any) { props(d)["title"] = map[string]any{"type": "string", "minLength": "one"} }, "schemaDefinition.allOf[1].properties.title.minLength", ""},
		{"external ref", func(d map[string]any) {
			props(d)["title"] = map[string]any{"$ref": "file:///etc/passwd", "type": "string"}
		}, "schemaDefinition", "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := mustJSON(t, blogpostsJSON)
			c.mutate(d)
			_, f := parseType(d, false)
			msgs, ok := f[c.field]
			if !ok {
				t.Fatalf("no error on %q; got %v", c.field, f)
			}
			if !strings.Contains(strings.Join(msgs, "|"), c.msg) {
				t.Errorf("%q: got %q, want it to contain %q", c.field, msgs, c.msg)
			}
		})
	}
}

func TestInactiveSlugWithMissingFieldsIsDropped(t *testing.T) {
	t.Parallel()
	d := mustJSON(t, blogpostsJSON)
	d["slugs"] = []any{map[string]any{"source": "nope", "target": "gone", "active": false}}
	td, f := parseType(d, false)
	if len(f) > 0 {
		t.Fatal(f)
	}
	if got := td.raw["slugs"].([]any); len(got) != 0 {
		t.Errorf("slugs = %v, want the inactive broken rule dropped", got)
	}
}

func sd(d map[string]any) map[string]any { return d["schemaDefinition"].(map[string]any) }
func md(d map[string]any) map[string]any { return d["metaDefinition"].(map[string]any) }
func pc(d map[string]any) map[string]any { return md(d)["propertiesConfig"].(map[string]any) }
func props(d map[string]any) map[string]any {
	return sd(d)["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
}

func addProp(d map[string]any, name, schema, meta string) {
	var s, m any
	json.Unmarshal([]byte(schema), &s)
	json.Unmarshal([]byte(meta), &m)
	props(d)[name] = s
	pc(d)[name] = m
	md(d)["order"] = append(md(d)["order"].([]any), name)
}

func TestTypeLifecycle(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()

	created, err := s.CreateType(ctx, mustJSON(t, blogpostsJSON))
	if err != nil {
		t.Fatal(err)
	}
	if created["id"] == "" || created["createdAt"] != "2024-05-01T10:00:01.000000+0000" || created["deletedAt"] != nil {
		t.Errorf("server fields: id=%v createdAt=%v deletedAt=%v", created["id"], created["createdAt"], created["deletedAt"])
	}
	if created["draftPublic"] != false || created["featuredImage"] == nil {
		t.Errorf("extra keys were not kept: %v", created)
	}
	if _, err := s.CreateType(ctx, mustJSON(t, blogpostsJSON)); !hasField(err, "name", "This value is already used") {
		t.Errorf("duplicate name: %v", err)
	}
	got, err := s.GetType(ctx, "blogposts", GetTypeOptions{})
	if err != nil || got["id"] != created["id"] || got["label"] != "Blog Posts" {
		t.Fatalf("get: %v %v", got, err)
	}
	res, err := s.GetType(ctx, "blogposts", GetTypeOptions{ResolveRef: true})
	if err != nil {
		t.Fatal(err)
	}
	rp := res["schemaDefinition"].(map[string]any)["properties"].(map[string]any)
	if rp["id"] == nil || rp["internal"] == nil || rp["title"] == nil {
		t.Errorf("resolveRef properties = %v", rp)
	}
	strict, _ := s.GetType(ctx, "blogposts", GetTypeOptions{ResolveRef: true, StrictSchema: true})
	if strict["schema"] == nil || len(strict) != 1 {
		t.Errorf("strictSchema = %v", strict)
	}

	if _, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"A","postContent":"x"}`)); err != nil {
		t.Fatal(err)
	}
	err = s.DeleteType(ctx, "blogposts")
	if errs.CodeOf(err) != errs.Invalid || len(errs.FieldsOf(err)["errors"]) != 1 {
		t.Fatalf("delete with objects: %v %v", err, errs.FieldsOf(err))
	}
	page, _ := s.List(ctx, "blogposts", ListQuery{})
	if err := s.Delete(ctx, "blogposts", page.Data[0]["id"].(string)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteType(ctx, "blogposts"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetType(ctx, "blogposts", GetTypeOptions{}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("get after delete: %v", err)
	}
	// A new type of the same name starts clean: no removed objects linger.
	if _, err := s.CreateType(ctx, mustJSON(t, blogpostsJSON)); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Removed(ctx, "blogposts", zeroTime); len(ids) != 0 {
		t.Errorf("removed after re-create = %v", ids)
	}
	if _, n := b.hook.snapshot(); n != 2 {
		t.Errorf("Committed called %d times, want 2 (one create, one delete)", n)
	}
}

func TestListTypes(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, InternalType{Definition: json.RawMessage(webhooksJSON)})
	ctx := context.Background()
	for _, n := range []string{"beta", "alpha", "gamma"} {
		d := mustJSON(t, blogpostsJSON)
		d["name"], d["label"] = n, strings.ToUpper(n)
		if _, err := s.CreateType(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	names := func(defs []Definition) string {
		var out []string
		for _, d := range defs {
			out = append(out, d["name"].(string))
		}
		return strings.Join(out, ",")
	}
	yes, no := true, false
	cases := []struct {
		q     TypeQuery
		want  string
		total int
	}{
		{TypeQuery{}, "_webhooks,alpha,beta,gamma", 4},
		{TypeQuery{Internal: &no}, "alpha,beta,gamma", 3},
		{TypeQuery{Internal: &yes}, "_webhooks", 1},
		{TypeQuery{Limit: 2, Page: 2}, "beta,gamma", 4},
		{TypeQuery{OrderDirection: "desc", Internal: &no}, "gamma,beta,alpha", 3},
		{TypeQuery{OrderBy: "createdAt", Internal: &no}, "beta,alpha,gamma", 3},
		{TypeQuery{Name: "AM"}, "gamma", 1},
		{TypeQuery{Label: "alp"}, "alpha", 1},
		{TypeQuery{Names: []string{"Beta", "gamma"}}, "beta,gamma", 2},
	}
	for _, c := range cases {
		defs, total, err := s.ListTypes(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(defs); got != c.want || total != c.total {
			t.Errorf("%+v: got %s (%d), want %s (%d)", c.q, got, total, c.want, c.total)
		}
	}
	if _, _, err := s.ListTypes(ctx, TypeQuery{OrderBy: "label"}); !hasField(err, "order_by", "") {
		t.Errorf("bad order_by: %v", err)
	}
}

func TestInternalTypeCannotBeChanged(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, InternalType{Definition: json.RawMessage(webhooksJSON)})
	ctx := context.Background()
	d, err := s.GetType(ctx, "_webhooks", GetTypeOptions{})
	if err != nil || d["internal"] != true {
		t.Fatalf("get internal: %v %v", d, err)
	}
	if _, err := s.UpdateType(ctx, "_webhooks", d); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("update internal: %v", err)
	}
	if err := s.DeleteType(ctx, "_webhooks"); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("delete internal: %v", err)
	}
	d["internal"] = false
	if _, err := s.CreateType(ctx, d); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("create over internal: %v", err)
	}
}

func hasField(err error, field, msg string) bool {
	msgs, ok := errs.FieldsOf(err)[field]
	return ok && strings.Contains(strings.Join(msgs, "|"), msg)
}

// Writers fill the type cache too, so an entry may come from a transaction
// that then rolled back. Its rev comes again with the next committed change,
// under another definition: the entry must not be served for that row.
func TestTypeCacheNeverServesARolledBackDefinition(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()
	// The rolled-back definition wants titles of 50 characters.
	strict := strings.Replace(blogpostsJSON, `"title": {"type": "string", "minLength": 1}`, `"title": {"type": "string", "minLength": 50}`, 1)
	if strict == blogpostsJSON {
		t.Fatal("test definition not changed")
	}
	raw, _ := json.Marshal(mustJSON(t, strict))
	rolledBack := errors.New("roll back")
	err := b.db.InTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE content_types SET definition = ?, rev = rev + 1 WHERE name = 'blogposts'`, string(raw)).Error; err != nil {
			return err
		}
		td, err := s.loadType(tx, "blogposts")
		if err != nil {
			return err
		}
		if f := td.check(map[string]any{"title": "short", "postContent": "x"}); len(f) == 0 {
			return errors.New("the transaction does not see its own definition")
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	// A committed change reaches the same rev with a looser definition
	// (written directly, so that nothing else refreshes the cache first).
	loose := strings.Replace(blogpostsJSON, `"required": ["title", "postContent"]`, `"required": ["title"]`, 1)
	raw, _ = json.Marshal(mustJSON(t, loose))
	if err := b.db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE content_types SET definition = ?, rev = rev + 1 WHERE name = 'blogposts'`, string(raw)).Error
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"only a title"}`)); err != nil {
		t.Errorf("create under the committed definition: %v", err)
	}
}

// Object writes trust a type verified while no type change was in flight.
// A change makes them read content_types again from the moment it starts in
// its transaction (a write grouped after it must see it) until its caller
// saw it commit or roll back.
func TestWriterTypeFollowsTypeChanges(t *testing.T) {
	t.Parallel()
	s, _ := newBlog(t)
	ctx := context.Background()
	first, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"short","postContent":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.trusted["blogposts"]; !ok {
		t.Fatal("a create did not leave a trusted entry")
	}
	strict := strings.Replace(blogpostsJSON, `"title": {"type": "string", "minLength": 1}`, `"title": {"type": "string", "minLength": 50}`, 1)
	raw, _ := json.Marshal(mustJSON(t, strict))
	rolledBack := errors.New("roll back")
	err = s.writeType(ctx, func(w *txWriter) error {
		if err := w.tx.Exec(`UPDATE content_types SET definition = ?, rev = rev + 1 WHERE name = 'blogposts'`, string(raw)).Error; err != nil {
			return err
		}
		td, err := s.writerType(w.tx, "blogposts")
		if err != nil {
			return err
		}
		if f := td.check(map[string]any{"title": "short", "postContent": "x"}); len(f) == 0 {
			return errors.New("a write after a type change in the same transaction got the old definition")
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	second, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"short too","postContent":"x"}`))
	if err != nil {
		t.Errorf("after the change rolled back: %v", err)
	}
	// Existing objects would not pass the stricter definition.
	for _, o := range []Object{first, second} {
		if o != nil {
			if err := s.Delete(ctx, "blogposts", o["id"].(string)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.UpdateType(ctx, "blogposts", mustJSON(t, strict)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"short three","postContent":"x"}`)); !hasField(err, "title", "") {
		t.Errorf("after the change committed, a short title: %v", err)
	}
}
