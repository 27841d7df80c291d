package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"hookline/backend/webhook"
)

// Draft & Public: statuses and internal fields, the six 204 endpoints,
// public-only reads without X-MODE: preview, the status filter, and one
// async delivery per Publish, Unpublish and Archive; a type without the
// switch keeps today's internal block and refuses the actions.
func TestDraftAndPublic(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []map[string]any
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, body)
		mu.Unlock()
	}))
	defer rc.Close()
	const key = "test-key-publish-0123456789"
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", APIKey: key}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body any, preview bool) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, m.URL()+path, rd)
		req.Header.Set("X-AUTH-TOKEN", key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if preview {
			req.Header.Set("X-MODE", "preview")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	typeDef := func(name string, dp bool) map[string]any {
		return map[string]any{"name": name, "label": name, "draftPublic": dp,
			"schemaDefinition": map[string]any{"type": "object", "additionalProperties": false, "allOf": []any{
				map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
				map[string]any{"type": "object", "properties": map[string]any{"title": map[string]any{"type": "string"}}}}},
			"metaDefinition": map[string]any{"order": []any{"title"}, "propertiesConfig": map[string]any{
				"title": map[string]any{"label": "Title", "inputType": "text", "unique": false, "isTitlePart": true}}}}
	}
	for _, d := range []map[string]any{typeDef("post", true), typeDef("plain", false)} {
		if s, out := do("POST", "/api/v1/internal/contenttype", d, false); s != 200 {
			t.Fatalf("type: %d %v", s, out)
		}
	}
	if _, err := m.Content.Create(context.Background(), webhook.TypeName, map[string]any{"name": "Pub", "type": "async", "url": rc.URL,
		"enabled": true, "actions": []any{map[string]any{"action": "Publish"}, map[string]any{"action": "Unpublish"}, map[string]any{"action": "Archive"}},
		"content_type_definitions": []any{}}); err != nil {
		t.Fatal(err)
	}
	status := func(id string) map[string]any {
		t.Helper()
		s, o := do("GET", "/api/v1/content/post/"+id, nil, true)
		if s != 200 {
			t.Fatalf("get %s: %d %v", id, s, o)
		}
		return o["internal"].(map[string]any)
	}

	do("POST", "/api/v1/content/post", map[string]any{"id": "p1", "title": "v1"}, false)
	do("POST", "/api/v1/content/post", map[string]any{"id": "p2", "title": "draft only"}, false)
	if in := status("p1"); in["status"] != "draft" || in["publicVersion"] != -1.0 || in["publishedAt"] != "" {
		t.Errorf("new object: %v", in)
	}
	if s, _ := do("GET", "/api/v1/content/post/p1", nil, false); s != 404 {
		t.Errorf("a draft without preview: %d, want 404", s)
	}
	// publish ignores its body (the CLI sends the object) and answers 204.
	if s, out := do("POST", "/api/v1/content/post/p1/publish", map[string]any{"id": "p1", "internal": map[string]any{}}, false); s != 204 {
		t.Fatalf("publish: %d %v", s, out)
	}
	if in := status("p1"); in["status"] != "public" || in["publicVersion"] != 1.0 || in["publishedAt"] == "" {
		t.Errorf("published: %v", in)
	}
	do("PUT", "/api/v1/content/post/p1", map[string]any{"title": "v2"}, false)
	if in := status("p1"); in["status"] != "modified" || in["publicVersion"] != 1.0 || in["latestVersion"] != 2.0 {
		t.Errorf("edited: %v", in)
	}
	// Readers without preview get the public version of a modified object.
	if s, o := do("GET", "/api/v1/content/post/p1", nil, false); s != 200 || o["title"] != "v1" || o["internal"].(map[string]any)["status"] != "modified" {
		t.Errorf("public view: %d %v", s, o)
	}
	_, page := do("GET", "/api/v1/content/post", nil, false)
	if page["total_count"] != 1.0 || page["data"].([]any)[0].(map[string]any)["title"] != "v1" {
		t.Errorf("public list: %v", page)
	}
	_, page = do("GET", "/api/v1/content/post?status=draft", nil, true)
	if page["total_count"] != 1.0 || page["data"].([]any)[0].(map[string]any)["id"] != "p2" {
		t.Errorf("draft filter: %v", page)
	}
	if s, _ := do("GET", "/api/v1/content/post?status=nope", nil, true); s != 400 {
		t.Errorf("bad status filter: %d", s)
	}
	if s, _ := do("POST", "/api/v1/content/post/batch-archive", []string{"p1", "p2"}, false); s != 204 {
		t.Errorf("batch-archive: %d", s)
	}
	if in := status("p2"); in["status"] != "archived" {
		t.Errorf("archived: %v", in)
	}
	if s, _ := do("POST", "/api/v1/content/post/p2/unpublish", nil, false); s != 204 {
		t.Errorf("unpublish: %d", s)
	}
	if s, _ := do("POST", "/api/v1/content/post/batch-publish", []string{"p2", "missing"}, false); s != 404 {
		t.Errorf("batch with a missing id: %d, want 404", s)
	}
	if in := status("p2"); in["status"] != "draft" {
		t.Errorf("a failed batch changed p2: %v", in)
	}

	// Hydration without preview embeds only what is public: a note that
	// relates to p1 (public again) and p2 (a draft) gets p1 and keeps p2's stub.
	if s, _ := do("POST", "/api/v1/content/post/p1/publish", nil, false); s != 204 {
		t.Fatalf("republish: %d", s)
	}
	note := typeDef("note", false)
	note["schemaDefinition"].(map[string]any)["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)["rel"] =
		map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/DataSource"}}
	note["metaDefinition"].(map[string]any)["order"] = []any{"title", "rel"}
	note["metaDefinition"].(map[string]any)["propertiesConfig"].(map[string]any)["rel"] =
		map[string]any{"label": "Rel", "inputType": "datasource", "unique": false, "validation": map[string]any{"relationContenttype": "post", "relationMultiple": true}}
	if s, out := do("POST", "/api/v1/internal/contenttype", note, false); s != 200 {
		t.Fatalf("note type: %d %v", s, out)
	}
	rel := []any{map[string]any{"dataUrl": "/api/v1/content/post/p1", "type": "internal"}, map[string]any{"dataUrl": "/api/v1/content/post/p2", "type": "internal"}}
	if s, out := do("POST", "/api/v1/content/note", map[string]any{"id": "n1", "title": "n", "rel": rel}, false); s != 200 {
		t.Fatalf("note: %d %v", s, out)
	}
	_, hydrated := do("GET", "/api/v1/content/note/n1?hydrate=1", nil, false)
	related := hydrated["rel"].([]any)
	if related[0].(map[string]any)["internal"] == nil || related[0].(map[string]any)["internal"].(map[string]any)["status"] != "public" || related[1].(map[string]any)["internal"] != nil {
		t.Errorf("public hydration: %v", related)
	}
	_, hydrated = do("GET", "/api/v1/content/note/n1?hydrate=1", nil, true)
	if related := hydrated["rel"].([]any); related[1].(map[string]any)["internal"] == nil {
		t.Errorf("preview hydration left the draft a stub: %v", related)
	}

	// Without the switch: today's internal block, and no actions.
	_, plain := do("POST", "/api/v1/content/plain", map[string]any{"id": "x1", "title": "t"}, false)
	if in := plain["internal"].(map[string]any); in["status"] != nil || len(in) != 6 {
		t.Errorf("plain internal block: %v", in)
	}
	if s, out := do("POST", "/api/v1/content/plain/x1/publish", nil, false); s != 400 || out["errors"] == nil {
		t.Errorf("publish on a plain type: %d %v", s, out)
	}

	// One delivery per action and object: publish p1, archive p1 and p2, unpublish p2, publish p1 again.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	var seen []string
	for _, g := range got {
		p := g["payload"].(map[string]any)
		seen = append(seen, g["action"].(string)+" "+p["id"].(string)+" "+p["internal"].(map[string]any)["status"].(string))
	}
	sort.Strings(seen)
	want := []string{"Archive p1 archived", "Archive p2 archived", "Publish p1 public", "Publish p1 public", "Unpublish p2 draft"}
	if len(seen) != len(want) {
		t.Fatalf("deliveries %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("deliveries %v, want %v", seen, want)
			break
		}
	}
}

// Publish with ?hydrate=1 cascades to the related Draft & Public objects
// one level deep; without it, and in batches, it does not.
func TestPublishCascade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, err := Open(ctx, Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", APIKey: "test-key-cascade-0123456789"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	post := func(path string) int {
		req, _ := http.NewRequest("POST", m.URL()+path, nil)
		req.Header.Set("X-AUTH-TOKEN", "test-key-cascade-0123456789")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	mk := func(name string, withRel bool) {
		props := map[string]any{"title": map[string]any{"type": "string"}}
		order := []any{"title"}
		cfg := map[string]any{"title": map[string]any{"label": "Title", "inputType": "text", "unique": false, "isTitlePart": true}}
		if withRel {
			props["rel"] = map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/DataSource"}}
			order = append(order, "rel")
			cfg["rel"] = map[string]any{"label": "Rel", "inputType": "datasource", "unique": false, "validation": map[string]any{"relationContenttype": "author", "relationMultiple": true}}
		}
		def := map[string]any{"name": name, "label": name, "draftPublic": true,
			"schemaDefinition": map[string]any{"type": "object", "additionalProperties": false, "allOf": []any{
				map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
				map[string]any{"type": "object", "properties": props}}},
			"metaDefinition": map[string]any{"order": order, "propertiesConfig": cfg}}
		if _, err := m.Content.CreateType(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	mk("author", false)
	mk("book", true)
	for _, id := range []string{"a1", "a2"} {
		if _, err := m.Content.Create(ctx, "author", map[string]any{"id": id, "title": id}); err != nil {
			t.Fatal(err)
		}
	}
	for id, author := range map[string]string{"b1": "a1", "b2": "a2"} {
		rel := []any{map[string]any{"dataUrl": "/api/v1/content/author/" + author, "type": "internal"}}
		if _, err := m.Content.Create(ctx, "book", map[string]any{"id": id, "title": id, "rel": rel}); err != nil {
			t.Fatal(err)
		}
	}
	status := func(typ, id string) any {
		o, err := m.Content.Get(ctx, typ, id)
		if err != nil {
			t.Fatal(err)
		}
		return o["internal"].(map[string]any)["status"]
	}
	if s := post("/api/v1/content/book/b1/publish?hydrate=1"); s != 204 {
		t.Fatalf("publish with hydrate: %d", s)
	}
	if s := post("/api/v1/content/book/b2/publish"); s != 204 {
		t.Fatalf("publish: %d", s)
	}
	if status("book", "b1") != "public" || status("author", "a1") != "public" {
		t.Errorf("cascade: b1 %v, a1 %v", status("book", "b1"), status("author", "a1"))
	}
	if status("book", "b2") != "public" || status("author", "a2") != "draft" {
		t.Errorf("no cascade: b2 %v, a2 %v", status("book", "b2"), status("author", "a2"))
	}
	if s := post("/api/v1/content/book/b1/publish?hydrate=2"); s != 400 {
		t.Errorf("hydrate=2 on publish: %d, want 400", s)
	}
}
