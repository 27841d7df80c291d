package media_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The document lists every type's endpoints in Flotiq's shape, and every
// $ref in it names a component it defines.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if r := e.do("POST", "/api/v1/internal/contenttype", postType); r.status != 200 {
		t.Fatalf("create type = %d %s", r.status, r.body)
	}
	r := e.do("GET", "/api/v1/open-api-schema.json", "")
	if r.status != 200 {
		t.Fatalf("GET = %d %s", r.status, r.body)
	}
	doc := r.json(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/content/post", "/api/v1/content/post/{id}", "/api/v1/content/post/batch", "/api/v1/content/_media", "/api/v1/content/_tag/{id}/version", "/api/media", "/image/{size}/{key}"} {
		if paths[p] == nil {
			t.Errorf("no path %s", p)
		}
	}
	if id := paths["/api/v1/content/_media"].(map[string]any)["get"].(map[string]any)["operationId"]; id != "Media_list" {
		t.Errorf("operationId = %v, want Media_list", id)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	post := schemas["post"].(map[string]any)
	b, _ := json.Marshal(post)
	if !strings.Contains(string(b), `"image"`) || !strings.Contains(string(b), `"required":["title"]`) {
		t.Errorf("post schema = %s", b)
	}
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(r.body), -1) {
		if schemas[m[1]] == nil {
			t.Errorf("$ref to undefined component %s", m[1])
		}
	}
	// user_only leaves the system types out.
	u := e.do("GET", "/api/v1/open-api-schema.json?user_only=1", "").json(t)
	up := u["paths"].(map[string]any)
	if up["/api/v1/content/_media"] != nil || up["/api/v1/content/post"] == nil {
		t.Errorf("user_only paths: %v", keys(up))
	}
	if r := e.get("/api/v1/open-api-schema.json"); r.status != 401 {
		t.Errorf("without a key = %d", r.status)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
