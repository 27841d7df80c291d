package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"hookline/backend/app"

	"hookline/backend/store/pgtest"
)

// liveApp is the whole app (content, webhooks, delivery pool, HTTP) on a
// temporary data folder, serving on a free loopback port.
type liveApp struct {
	t   *testing.T
	url string
	key string
}

func startApp(t *testing.T) *liveApp {
	t.Helper()
	m, err := app.Open(context.Background(), app.Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", DatabaseURL: pgtest.DatabaseURL(t)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &liveApp{t: t, url: m.URL(), key: m.Keys.Current().ReadWrite}
}

// call sends body (JSON unless empty) with extra headers and decodes the answer.
func (a *liveApp) call(method, path, body string, hdr ...string) (int, http.Header, map[string]any) {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, a.url+path, rd)
	req.Header.Set("X-AUTH-TOKEN", a.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		_ = json.Unmarshal(raw, &v)
	}
	return resp.StatusCode, resp.Header, v
}

func (a *liveApp) must(want int, method, path, body string, hdr ...string) map[string]any {
	a.t.Helper()
	got, _, v := a.call(method, path, body, hdr...)
	if got != want {
		a.t.Fatalf("%s %s: %d, want %d: %v", method, path, got, want, v)
	}
	return v
}

// waitLogs polls the all-webhooks list with query until it returns n logs.
func (a *liveApp) waitLogs(query string, n int) []any {
	a.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		v := a.must(200, "GET", "/api/v1/webhooks/logs?"+query, "")
		data, _ := v["data"].([]any)
		if len(data) == n {
			return data
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("logs?%s: %d logs after 10s, want %d: %v", query, len(data), n, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hits records what a receiver got.
type hits struct {
	mu  sync.Mutex
	hdr []http.Header
}

func (h *hits) all() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.hdr...)
}

func receiverAnswering(t *testing.T, status func(n int) int) (*httptest.Server, *hits) {
	h := &hits{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		n := len(h.hdr)
		h.hdr = append(h.hdr, r.Header.Clone())
		h.mu.Unlock()
		w.WriteHeader(status(n))
	}))
	t.Cleanup(srv.Close)
	return srv, h
}

const productType = `{"name":"product","label":"Product","schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"name":{"type":"string","minLength":1}}}],"required":["name"],"additionalProperties":false},"metaDefinition":{"propertiesConfig":{"name":{"label":"Name","inputType":"text","unique":false,"isTitlePart":true}},"order":["name"]}}`

// The deliveries list across webhooks, its filters, a bulk retry that keeps
// each webhook-id, and Send test with its header and log mark.
func TestDeliveriesAPI(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	gone, goneHits := receiverAnswering(t, func(n int) int {
		if n < 2 {
			return http.StatusGone
		}
		return http.StatusOK
	})
	ok, okHits := receiverAnswering(t, func(int) int { return http.StatusOK })
	a.must(200, "POST", "/api/v1/internal/contenttype", productType)
	w1 := a.must(200, "POST", "/api/v1/content/_webhooks",
		`{"name":"failing","url":"`+gone.URL+`","enabled":true,"type":"async","actions":[{"action":"Create"}],"content_type_definitions":[],"headers":[]}`)
	w2 := a.must(200, "POST", "/api/v1/content/_webhooks",
		`{"name":"fine","url":"`+ok.URL+`","enabled":false,"type":"async","actions":[{"action":"Update"}],"content_type_definitions":[],"headers":[]}`)
	a.must(200, "POST", "/api/v1/content/product", `{"id":"product-1","name":"One"}`)
	a.must(200, "POST", "/api/v1/content/product", `{"id":"product-2","name":"Two"}`)

	failed := a.waitLogs("status=error", 2)
	if first := failed[0].(map[string]any); first["objectId"] != "product-2" || first["responseCode"] != 410.0 {
		t.Errorf("newest first: %v", first)
	}
	a.waitLogs("status=error&objectId=PRODUCT-1", 1)
	a.waitLogs("webhookId="+w1["id"].(string)+"&responseCode=410&action=Create&contentType=product", 2)
	a.waitLogs("q=410", 2)
	a.waitLogs("since="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), 0)
	if code, _, v := a.call("GET", "/api/v1/webhooks/logs?since=yesterday", ""); code != 400 || v["since"] == nil {
		t.Errorf("bad since: %d %v", code, v)
	}
	if code, _, v := a.call("GET", "/api/v1/webhooks/logs?status=later", ""); code != 400 || v["status"] == nil {
		t.Errorf("bad status: %d %v", code, v)
	}

	// Bulk retry: count first, then queue.
	dry := a.must(200, "POST", "/api/v1/webhooks/logs/retry", `{"status":"error","dryRun":true}`)
	if dry["matched"] != 2.0 || dry["queued"] != 0.0 {
		t.Fatalf("dry run %v", dry)
	}
	res := a.must(202, "POST", "/api/v1/webhooks/logs/retry", `{"status":"error"}`)
	if res["queued"] != 2.0 {
		t.Fatalf("retry %v", res)
	}
	a.waitLogs("status=done", 2)
	ids := map[string]int{}
	for _, h := range goneHits.all() {
		ids[h.Get("Webhook-Id")]++
	}
	if len(ids) != 2 {
		t.Errorf("4 requests should carry 2 webhook-ids, each twice: %v", ids)
	}
	for id, n := range ids {
		if n != 2 {
			t.Errorf("webhook-id %s sent %d times", id, n)
		}
	}

	// Send test to a disabled webhook without the action: still sent, marked.
	sum := a.must(202, "POST", "/api/v1/webhooks/"+w2["id"].(string)+"/test", `{"contentType":"product","objectId":"product-1","action":"Delete"}`)
	if sum["test"] != true || sum["action"] != "Delete" {
		t.Errorf("test summary %v", sum)
	}
	a.waitLogs("webhookId="+w2["id"].(string)+"&status=done", 1)
	got := okHits.all()
	if len(got) != 1 || got[0].Get("Webhook-Test") != "1" {
		t.Fatalf("test request headers %v", got)
	}
	if code, _, v := a.call("POST", "/api/v1/webhooks/"+w2["id"].(string)+"/test", `{"contentType":"product","objectId":"product-1","action":"Custom"}`); code != 400 || v["action"] == nil {
		t.Errorf("Custom test: %d %v", code, v)
	}
	if code, _, _ := a.call("POST", "/api/v1/webhooks/_webhooks-000000/test", `{"contentType":"product","objectId":"product-1","action":"Create"}`); code != 404 {
		t.Errorf("test to an unknown webhook: %d", code)
	}
}

// If-Match on PUT and PATCH of objects, webhooks and types: 412 with the
// stored version when it differs, nothing written; absent, Flotiq's
// behaviour is unchanged.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	a.must(200, "POST", "/api/v1/internal/contenttype", productType)
	a.must(200, "POST", "/api/v1/content/product", `{"id":"product-1","name":"One"}`)
	_, h, _ := a.call("GET", "/api/v1/content/product/product-1", "")
	if h.Get("ETag") != `"1"` {
		t.Errorf("ETag %q, want \"1\"", h.Get("ETag"))
	}
	a.must(200, "PUT", "/api/v1/content/product/product-1", `{"name":"Two"}`, "If-Match", `"1"`)
	code, _, v := a.call("PUT", "/api/v1/content/product/product-1", `{"name":"Mine"}`, "If-Match", `"1"`)
	if code != 412 || v["latestVersion"] != 2.0 || !strings.Contains(v["message"].(string), "changed elsewhere") {
		t.Fatalf("stale PUT: %d %v", code, v)
	}
	if code, _, v := a.call("PATCH", "/api/v1/content/product/product-1", `{"name":"Mine"}`, "If-Match", `W/"1"`); code != 412 || v["latestVersion"] != 2.0 {
		t.Fatalf("stale PATCH: %d %v", code, v)
	}
	if obj := a.must(200, "GET", "/api/v1/content/product/product-1", ""); obj["name"] != "Two" {
		t.Fatalf("a refused write changed the object: %v", obj)
	}
	if code, _, v := a.call("PUT", "/api/v1/content/product/product-1", `{"name":"Mine"}`, "If-Match", `"abc"`); code != 400 {
		t.Errorf("malformed If-Match: %d %v", code, v)
	}
	a.must(200, "PATCH", "/api/v1/content/product/product-1", `{"name":"Three"}`)
	a.must(200, "PATCH", "/api/v1/content/product/product-1", `{"name":"Four"}`, "If-Match", "*")

	wh := a.must(200, "POST", "/api/v1/content/_webhooks",
		`{"name":"w","url":"http://127.0.0.1:9/x","enabled":true,"type":"async","actions":[],"content_type_definitions":[],"headers":[]}`)
	path := "/api/v1/content/_webhooks/" + wh["id"].(string)
	a.must(200, "PATCH", path, `{"enabled":false}`, "If-Match", `"1"`)
	if code, _, v := a.call("PATCH", path, `{"enabled":true}`, "If-Match", `"1"`); code != 412 || v["latestVersion"] != 2.0 {
		t.Errorf("stale webhook PATCH: %d %v", code, v)
	}

	_, h, _ = a.call("GET", "/api/v1/internal/contenttype/product", "")
	if h.Get("ETag") != `"1"` {
		t.Errorf("type ETag %q", h.Get("ETag"))
	}
	changed := strings.Replace(productType, `"label":"Product"`, `"label":"Products"`, 1)
	a.must(200, "PUT", "/api/v1/internal/contenttype/product", changed, "If-Match", `"1"`)
	if code, _, v := a.call("PUT", "/api/v1/internal/contenttype/product", productType, "If-Match", `"1"`); code != 412 || v["latestVersion"] != 2.0 {
		t.Errorf("stale type PUT: %d %v", code, v)
	}
}
