package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/api"
	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// contentAPI is a real HTTP server over a real database and real keys.
type contentAPI struct {
	t      *testing.T
	url    string
	rw, ro string
	db     *store.DB
	hook   *failingHook
}

// failingHook refuses changes while fail is set.
type failingHook struct{ fail atomic.Bool }

func (h *failingHook) ChangedTx(ctx context.Context, tx *gorm.DB, c content.Change) error {
	if h.fail.Load() {
		return errors.New("hook refused")
	}
	return nil
}
func (h *failingHook) Committed()  {}
func (h *failingHook) RolledBack() {}

func contentSetup(t *testing.T) *contentAPI {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.Options(t, filepath.Join(t.TempDir(), "hookline.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := auth.Load(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	hook := &failingHook{}
	svc := content.New(db, content.Options{Hook: hook})
	srv := httptest.NewServer(api.New(api.Options{DB: db, Keys: keys, Content: svc}).Handler())
	t.Cleanup(srv.Close)
	k := keys.Current()
	return &contentAPI{t: t, url: srv.URL, rw: k.ReadWrite, ro: k.ReadOnly, db: db, hook: hook}
}

// do sends a request with the read-write key and a JSON body (when body is
// not empty) and returns the status and decoded answer.
func (c *contentAPI) do(method, path, body string) (int, any) {
	c.t.Helper()
	return c.doWith(method, path, body, c.rw, "application/json")
}

func (c *contentAPI) doWith(method, path, body, key, ctype string) (int, any) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-AUTH-TOKEN", key)
	}
	if body != "" && ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			c.t.Fatalf("%s %s: answer is not JSON: %q", method, path, raw)
		}
	}
	return resp.StatusCode, v
}

// expect checks the status and returns the answer as a map.
func (c *contentAPI) expect(want int, method, path, body string) map[string]any {
	c.t.Helper()
	got, v := c.do(method, path, body)
	if got != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %v", method, path, got, want, v)
	}
	m, _ := v.(map[string]any)
	return m
}

const apiBlogposts = `{"name":"blogposts","label":"Blog Posts","schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"title":{"type":"string","minLength":1},"postContent":{"type":"string","minLength":1},"views":{"type":"number"},"related":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"}}}}],"required":["title","postContent"],"additionalProperties":false},"metaDefinition":{"propertiesConfig":{"title":{"label":"Title","inputType":"text","unique":true,"isTitlePart":true},"postContent":{"label":"Post content","inputType":"richtext","unique":false},"views":{"label":"Views","inputType":"number","unique":false},"related":{"label":"Related","inputType":"datasource","unique":false,"validation":{"relationContenttype":"blogposts"}}},"order":["title","postContent","views","related"]}}`

func TestContentAPIAuth(t *testing.T) {
	t.Parallel()
	c := contentSetup(t)
	c.expect(200, "POST", "/api/v1/internal/contenttype", apiBlogposts)

	status, v := c.doWith("GET", "/api/v1/content/blogposts", "", "", "")
	if m, _ := v.(map[string]any); status != 401 || m["code"] != float64(401) || m["message"] == "" {
		t.Errorf("no key: %d %v", status, v)
	}
	if status, _ := c.doWith("GET", "/api/v1/content/blogposts", "", "wrong", ""); status != 401 {
		t.Errorf("wrong key: %d", status)
	}
	if status, _ := c.doWith("GET", "/api/v1/content/blogposts?auth_token="+url.QueryEscape(c.ro), "", "", ""); status != 200 {
		t.Errorf("auth_token query: %d", status)
	}
	if status, _ := c.doWith("GET", "/api/v1/internal/contenttype", "", c.ro, ""); status != 200 {
		t.Errorf("read-only list types: %d", status)
	}
	for _, w := range []struct{ method, path, body string }{
		{"POST", "/api/v1/content/blogposts", `{"title":"x","postContent":"y"}`},
		{"POST", "/api/v1/internal/contenttype", apiBlogposts},
		{"PUT", "/api/v1/internal/contenttype/blogposts", apiBlogposts},
		{"DELETE", "/api/v1/internal/contenttype/blogposts", ""},
		{"PATCH", "/api/v1/content/blogposts/x", `{}`},
		{"DELETE", "/api/v1/content/blogposts/x", ""},
		{"POST", "/api/v1/content/blogposts/batch", `[]`},
		{"POST", "/api/v1/content/blogposts/batch-delete", `[]`},
		{"GET", "/api/v1/content/blogposts/removed", ""},
	} {
		status, v := c.doWith(w.method, w.path, w.body, c.ro, "application/json")
		if m, _ := v.(map[string]any); status != 403 || m["code"] != float64(403) {
			t.Errorf("read-only %s %s: %d %v", w.method, w.path, status, v)
		}
	}
}

func TestContentAPIBadInput(t *testing.T) {
	t.Parallel()
	c := contentSetup(t)
	c.expect(200, "POST", "/api/v1/internal/contenttype", apiBlogposts)

	status, v := c.doWith("POST", "/api/v1/content/blogposts", `{"title":"x"}`, c.rw, "text/plain")
	if m, _ := v.(map[string]any); status != 415 || m["code"] != float64(415) {
		t.Errorf("text/plain: %d %v", status, v)
	}
	big := `{"title":"big","postContent":"` + strings.Repeat("x", api.MaxBody) + `"}`
	status, v = c.do("POST", "/api/v1/content/blogposts", big)
	if m, _ := v.(map[string]any); status != 413 || m["code"] != float64(413) {
		t.Errorf("over 1 MB: %d", status)
	}
	status, v = c.do("POST", "/api/v1/content/blogposts", `{"title":`)
	if m, _ := v.(map[string]any); status != 400 || m["body"] == nil {
		t.Errorf("malformed JSON: %d %v", status, v)
	}
	m := c.expect(400, "POST", "/api/v1/content/blogposts", `{"title":"x","postContent":"y","views":"many"}`)
	if fmt.Sprint(m["views"]) != "[String value found, but a number is required]" || len(m) != 1 {
		t.Errorf("wrong value type: %v", m)
	}
	m = c.expect(400, "POST", "/api/v1/content/blogposts", `{"postContent":""}`)
	if fmt.Sprint(m["title"]) != "[The property title is required]" || fmt.Sprint(m["postContent"]) != "[Must be at least 1 characters long]" {
		t.Errorf("required: %v", m)
	}
	for _, p := range []string{"/api/v1/content/nope", "/api/v1/content/blogposts/ghost", "/api/v1/internal/contenttype/nope",
		"/api/v1/content/blogposts/ghost/version", "/api/v1/content/blogposts/ghost/version/1"} {
		m := c.expect(404, "GET", p, "")
		if m["code"] != float64(404) || m["message"] == "" {
			t.Errorf("%s: %v", p, m)
		}
	}
	c.expect(404, "PUT", "/api/v1/content/blogposts/ghost", `{"title":"x","postContent":"y"}`)
	c.expect(404, "POST", "/api/v1/content/nope", `{}`)
	// Nothing above was written.
	var n int
	c.db.R.Raw(`SELECT COUNT(*) FROM objects`).Scan(&n)
	if n != 0 {
		t.Errorf("%d objects written by bad requests", n)
	}
	m = c.expect(400, "GET", "/api/v1/content/blogposts?filters=%7Bnope", "")
	if fmt.Sprint(m["filters"]) != "[Malformed filters json - Syntax error]" {
		t.Errorf("bad filters: %v", m)
	}
	c.expect(400, "GET", "/api/v1/content/blogposts?limit=1001", "")
	c.expect(400, "GET", "/api/v1/content/blogposts?order_by=nope", "")
	m = c.expect(400, "GET", "/api/v1/content/blogposts/removed?deletedAfter=soon", "")
	if fmt.Sprint(m["deletedAfter"]) != "[Wrong date format]" {
		t.Errorf("deletedAfter: %v", m)
	}
}

func TestContentAPITypes(t *testing.T) {
	t.Parallel()
	c := contentSetup(t)
	created := c.expect(200, "POST", "/api/v1/internal/contenttype", apiBlogposts)
	if created["id"] == nil || created["name"] != "blogposts" || created["createdAt"] == nil {
		t.Errorf("created: %v", created)
	}
	m := c.expect(400, "POST", "/api/v1/internal/contenttype", apiBlogposts)
	if fmt.Sprint(m["name"]) != "[This value is already used]" {
		t.Errorf("duplicate: %v", m)
	}
	m = c.expect(400, "POST", "/api/v1/internal/contenttype", `{"name":"Bad","label":""}`)
	if m["name"] == nil || m["label"] == nil {
		t.Errorf("invalid CTD: %v", m)
	}
	list := c.expect(200, "GET", "/api/v1/internal/contenttype?limit=10&internal=0", "")
	if list["total_count"] != float64(1) || list["total_pages"] != float64(1) || list["current_page"] != float64(1) || list["count"] != float64(1) {
		t.Errorf("envelope: %v", list)
	}
	one := c.expect(200, "GET", "/api/v1/internal/contenttype/blogposts?resolveRef=true", "")
	if one["schemaDefinition"].(map[string]any)["properties"].(map[string]any)["id"] == nil {
		t.Errorf("resolveRef: %v", one)
	}
	// PUT that removes "views".
	c.expect(200, "POST", "/api/v1/content/blogposts", `{"id":"p1","title":"T","postContent":"c","views":3}`)
	next := strings.Replace(apiBlogposts, `"views":{"type":"number"},`, "", 1)
	next = strings.Replace(next, `"views":{"label":"Views","inputType":"number","unique":false},`, "", 1)
	next = strings.Replace(next, `"postContent","views","related"]`, `"postContent","related"]`, 1)
	c.expect(200, "PUT", "/api/v1/internal/contenttype/blogposts", next)
	if o := c.expect(200, "GET", "/api/v1/content/blogposts/p1", ""); o["views"] != nil {
		t.Errorf("views not stripped: %v", o)
	}
	m = c.expect(400, "DELETE", "/api/v1/internal/contenttype/blogposts", "")
	if fmt.Sprint(m["errors"]) != "[Content Type has objects, you can't remove it!]" || len(m) != 1 {
		t.Errorf("delete with objects: %v", m)
	}
	c.expect(204, "DELETE", "/api/v1/content/blogposts/p1", "")
	status, v := c.do("DELETE", "/api/v1/internal/contenttype/blogposts", "")
	if status != 200 || v != nil {
		t.Errorf("delete type: %d %v", status, v)
	}
}

func TestContentAPIObjects(t *testing.T) {
	t.Parallel()
	c := contentSetup(t)
	c.expect(200, "POST", "/api/v1/internal/contenttype", apiBlogposts)

	o := c.expect(200, "POST", "/api/v1/content/blogposts", `{"title":"Hello","postContent":"World","views":1}`)
	id := o["id"].(string)
	in := o["internal"].(map[string]any)
	if in["contentType"] != "blogposts" || in["deletedAt"] != "" || in["latestVersion"] != float64(1) || in["objectTitle"] != "Hello" {
		t.Errorf("internal: %v", in)
	}
	c.expect(200, "PUT", "/api/v1/content/blogposts/"+id, `{"title":"Hello","postContent":"Again"}`)
	o = c.expect(200, "PATCH", "/api/v1/content/blogposts/"+strings.ToUpper(id), `{"views":5}`)
	if o["postContent"] != "Again" || o["views"] != float64(5) || o["internal"].(map[string]any)["latestVersion"] != float64(3) {
		t.Errorf("after PATCH: %v", o)
	}
	vl := c.expect(200, "GET", "/api/v1/content/blogposts/"+id+"/version?order_direction=desc", "")
	data := vl["data"].([]any)
	if vl["total_count"] != float64(3) || len(data) != 3 || data[0].(map[string]any)["version"] != float64(3) || data[0].(map[string]any)["current"] != true {
		t.Errorf("versions: %v", vl)
	}
	v1 := c.expect(200, "GET", "/api/v1/content/blogposts/"+id+"/version/1", "")
	if v1["postContent"] != "World" {
		t.Errorf("version 1: %v", v1)
	}
	if v := c.expect(200, "GET", "/api/v1/content/blogposts/"+id+"/version/version-2", ""); v["postContent"] != "Again" {
		t.Errorf("version-2: %v", v)
	}

	// Batch create, upsert, patch.
	res := c.expect(200, "POST", "/api/v1/content/blogposts/batch", `[{"id":"b1","title":"B1","postContent":"x"},{"id":"b2","title":"B2","postContent":"x","related":[{"dataUrl":"/api/v1/content/blogposts/b1","type":"internal"}]}]`)
	if res["batch_success_count"] != float64(2) || res["batch_total_count"] != float64(2) || res["batch_error_count"] != float64(0) {
		t.Errorf("batch: %v", res)
	}
	res = c.expect(400, "POST", "/api/v1/content/blogposts/batch", `[{"id":"b3","title":"B3","postContent":"x"},{"id":"b1","title":"dup","postContent":"x"}]`)
	if res["batch_error_count"] != float64(1) || res["batch_success_count"] != float64(0) {
		t.Errorf("refused batch: %v", res)
	}
	c.expect(404, "GET", "/api/v1/content/blogposts/b3", "")
	c.expect(200, "POST", "/api/v1/content/blogposts/batch?updateExisting=true", `[{"id":"b1","title":"B1 again","postContent":"x"}]`)
	c.expect(200, "PATCH", "/api/v1/content/blogposts/batch", `[{"id":"b1","views":7},{"id":"b2","views":8}]`)
	c.expect(404, "PATCH", "/api/v1/content/blogposts/batch", `[{"id":"ghost","views":7}]`)

	// List: envelope, filters, order, paging, hydrate.
	l := c.expect(200, "GET", "/api/v1/content/blogposts?limit=2&page=2&order_by=title&order_direction=asc", "")
	if l["total_count"] != float64(3) || l["total_pages"] != float64(2) || l["current_page"] != float64(2) || l["count"] != float64(1) {
		t.Errorf("envelope: %v", l)
	}
	if got := l["data"].([]any)[0].(map[string]any)["title"]; got != "Hello" {
		t.Errorf("page 2 by title = %v", got)
	}
	f := url.QueryEscape(`{"views":{"type":"greaterThanOrEqual","filter":7}}`)
	l = c.expect(200, "GET", "/api/v1/content/blogposts?order_by=id&filters="+f, "")
	if l["total_count"] != float64(2) {
		t.Errorf("filtered: %v", l)
	}
	l = c.expect(200, "GET", "/api/v1/content/blogposts?ids[]=b2&hydrate=1", "")
	rel := l["data"].([]any)[0].(map[string]any)["related"].([]any)[0].(map[string]any)
	if rel["title"] != "B1 again" {
		t.Errorf("hydrated: %v", rel)
	}
	if o := c.expect(200, "GET", "/api/v1/content/blogposts/b2?hydrate=1", ""); o["related"].([]any)[0].(map[string]any)["id"] != "b1" {
		t.Errorf("hydrated GET: %v", o)
	}

	// Delete: refused while related, then batch-delete.
	m := c.expect(400, "DELETE", "/api/v1/content/blogposts/b1", "")
	if fmt.Sprint(m["errors"]) != "[This content object is used in another content object.]" {
		t.Errorf("delete related: %v", m)
	}
	m = c.expect(400, "POST", "/api/v1/content/blogposts/batch-delete", `["b1","ghost"]`)
	if len(m["errors"].([]any)) != 2 {
		t.Errorf("partial batch-delete: %v", m)
	}
	m = c.expect(200, "POST", "/api/v1/content/blogposts/batch-delete", `["b2","b1"]`)
	if m["deletedCount"] != float64(2) {
		t.Errorf("batch-delete: %v", m)
	}
	status, v := c.do("GET", "/api/v1/content/blogposts/removed?deletedAfter="+url.QueryEscape("2000-01-01 00:00:00"), "")
	if list, _ := v.([]any); status != 200 || len(list) != 2 {
		t.Errorf("removed: %d %v", status, v)
	}
}

func TestContentAPIHookFailureWritesNothing(t *testing.T) {
	t.Parallel()
	c := contentSetup(t)
	c.expect(200, "POST", "/api/v1/internal/contenttype", apiBlogposts)
	c.expect(200, "POST", "/api/v1/content/blogposts", `{"id":"p1","title":"T","postContent":"c"}`)
	c.hook.fail.Store(true)
	c.expect(500, "POST", "/api/v1/content/blogposts", `{"id":"p2","title":"T2","postContent":"c"}`)
	c.expect(500, "PATCH", "/api/v1/content/blogposts/p1", `{"title":"changed"}`)
	c.expect(500, "DELETE", "/api/v1/content/blogposts/p1", "")
	c.hook.fail.Store(false)
	c.expect(404, "GET", "/api/v1/content/blogposts/p2", "")
	if o := c.expect(200, "GET", "/api/v1/content/blogposts/p1", ""); o["title"] != "T" {
		t.Errorf("p1 changed: %v", o)
	}
}
