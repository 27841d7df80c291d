package reliability

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	hapi "hookline/backend/api"
	"hookline/backend/app"
)

// TestReadOnlyKeySeesNoSecrets: the read-only key reads webhooks, their
// versions (a rotated secret included) and their execution logs with the
// signing secret and header values masked; the read-write key sees them.
func TestReadOnlyKeySeesNoSecrets(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	a := in.a
	ro := newAPI(in.m.URL, a.must(t, 200, "GET", "/api/ui/keys", nil)["readOnly"].(string))
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	a.must(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "sink"})
	old, rotated := newSecret(), newSecret()
	hook := webhookDef("hook", in.m.URL()+"/inbox/sink", []string{"Create"}, []string{"article"}, old)
	oldHeader, newHeader := "Bearer old-"+randomHex(8), "Bearer new-"+randomHex(8)
	hook["headers"] = []any{map[string]any{"header_name": "Authorization", "header_value": oldHeader}}
	id := a.must(t, 200, "POST", "/api/v1/content/_webhooks", hook)["id"].(string)
	a.must(t, 200, "PATCH", "/api/v1/content/_webhooks/"+id, map[string]any{
		"signing_secret": rotated, "headers": []any{map[string]any{"header_name": "Authorization", "header_value": newHeader}},
	})
	a.must(t, 200, "POST", "/api/v1/content/article", map[string]any{"title": "x"})
	// A relation may point at any type ("" as relationContenttype), so a
	// webhook can be hydrated into another object.
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", map[string]any{
		"name": "ref", "label": "Ref",
		"schemaDefinition": map[string]any{"type": "object", "allOf": []any{
			map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
			map[string]any{"type": "object", "properties": map[string]any{
				"hook": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/DataSource"}},
			}},
		}, "additionalProperties": false},
		"metaDefinition": map[string]any{"order": []any{"hook"}, "propertiesConfig": map[string]any{
			"hook": map[string]any{"label": "Hook", "inputType": "datasource", "unique": false, "validation": map[string]any{"relationContenttype": ""}},
		}},
	})
	a.must(t, 200, "POST", "/api/v1/content/ref", map[string]any{"id": "ref-1", "hook": []any{map[string]any{"type": "internal", "dataUrl": "/api/v1/content/_webhooks/" + id}}})
	if !waitUntil(10*time.Second, func() bool { return logCount(t, a, id, "done") == 1 }) {
		t.Fatal("the delivery did not finish")
	}
	logID := logs(t, a, id, "")[0]["id"].(string)
	paths := []string{
		"/api/v1/content/_webhooks",
		"/api/v1/content/_webhooks/" + id,
		"/api/v1/content/_webhooks/" + id + "/version/1",
		"/api/v1/content/_webhooks/" + id + "/version/2",
		"/api/v1/content/_webhooks?filters=" + `{"name":{"type":"equals","filter":"hook"}}`,
		"/api/v1/webhooks/" + id + "/logs/" + logID,
		"/api/v1/content/ref/ref-1?hydrate=1",
		"/api/v1/content/ref?hydrate=1",
	}
	secrets := []string{old, rotated, strings.TrimPrefix(old, "whsec_"), strings.TrimPrefix(rotated, "whsec_"), oldHeader, newHeader}
	for _, p := range paths {
		code, raw, err := ro.call("GET", p, nil)
		if err != nil || code != 200 {
			t.Fatalf("read-only GET %s: %d %v %s", p, code, err, raw)
		}
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				t.Errorf("read-only GET %s shows %q", p, s)
			}
		}
		if !strings.Contains(string(raw), "********") {
			t.Errorf("read-only GET %s: nothing masked, so nothing was checked: %.300s", p, raw)
		}
	}
	// The read-write key (export, editing) still sees them.
	_, raw, _ := a.call("GET", "/api/v1/content/_webhooks/"+id+"/version/1", nil)
	if !strings.Contains(string(raw), old) || !strings.Contains(string(raw), oldHeader) {
		t.Errorf("the read-write key lost the secrets: %.300s", raw)
	}
}

// from returns a copy of a whose requests leave from the loopback address
// ip (any of 127.0.0.0/8), so that tests can act as different clients.
func (a *api) from(ip string) *api {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &api{base: a.base, key: a.key, hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}}
}

// TestWrongKeysThrottled: after a burst of wrong keys from one address,
// keys from it are not even checked (429 with Retry-After, the right key
// included, so a lucky guess tells nothing); other addresses and the UI
// session are unaffected.
func TestWrongKeysThrottled(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	guesser := newAPI(in.m.URL, "guess-"+randomHex(16)).from("127.0.9.1")
	codes := map[int]int{}
	for range 40 {
		code, raw, err := guesser.call("GET", "/api/v1/content/_webhooks", nil)
		if err != nil || !isClearError(raw) {
			t.Fatalf("%d %v %s", code, err, raw)
		}
		codes[code]++
	}
	if codes[401] != hapi.DefaultAuthFailureBurst || codes[429] != 40-hapi.DefaultAuthFailureBurst {
		t.Errorf("40 wrong keys answered %v, want %d × 401 then 429", codes, hapi.DefaultAuthFailureBurst)
	}
	right := newAPI(in.m.URL, in.key)
	req, _ := http.NewRequest("GET", in.m.URL()+"/api/v1/content/_webhooks", nil)
	req.Header.Set("X-AUTH-TOKEN", in.key)
	resp, err := right.from("127.0.9.1").hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("the right key from the throttled address: %d, Retry-After %q; want 429 without checking it", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	right.from("127.0.9.2").must(t, 200, "GET", "/api/v1/content/_webhooks", nil)
	req, _ = http.NewRequest("GET", in.m.URL()+"/api/ui/info", nil)
	req.Header.Set("X-Hookline-Session", in.m.Keys.Session())
	resp, err = right.from("127.0.9.1").hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the UI session from the throttled address: %d", resp.StatusCode)
	}
	// The bucket refills: one more try a second later is checked again.
	time.Sleep(hapi.DefaultAuthFailureEvery + 100*time.Millisecond)
	right.from("127.0.9.1").must(t, 200, "GET", "/api/v1/content/_webhooks", nil)
}

// TestDeepJSONRefused: content objects, types and other JSON bodies nested
// deeper than 64 levels get a 400 naming the limit and store nothing, and
// filtering the type keeps working.
func TestDeepJSONRefused(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	a := in.a
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tt := range []struct{ method, path, body string }{
		{"POST", "/api/v1/content/article", `{"title":"x","extra":` + deep(2001) + `}`},
		{"POST", "/api/v1/content/article", `{"title":"x","n":` + deep(65) + `}`},
		{"POST", "/api/v1/internal/contenttype", `{"name":"deep","label":"Deep","schemaDefinition":` + deep(100) + `}`},
		{"POST", "/api/v1/inboxes", `{"name":"deep","headers":` + deep(70) + `}`},
		{"PUT", "/api/ui/settings", deep(80)},
	} {
		code, raw, err := a.call(tt.method, tt.path, tt.body)
		if err != nil || code != 400 || !strings.Contains(string(raw), "64") {
			t.Errorf("%s %s nested: %d %v %.200s, want a 400 naming the limit of 64", tt.method, tt.path, code, err, raw)
		}
	}
	a.must(t, 200, "POST", "/api/v1/content/article", map[string]any{"title": "ok"})
	l := a.must(t, 200, "GET", `/api/v1/content/article?filters={"title":{"type":"contains","filter":"o"}}`, nil)
	if l["total_count"] != float64(1) {
		t.Errorf("filtered list after the refusals: %v", l)
	}
}

// TestFanoutBoundedPerRequest: a batch whose changes would queue more than
// webhook.MaxFanoutPerRequest deliveries is refused with 413 and writes
// nothing; a smaller one goes through.
func TestFanoutBoundedPerRequest(t *testing.T) {
	t.Parallel()
	rc := newReceiver()
	t.Cleanup(rc.close)
	// A bound of 1,000 rather than 10,000 keeps the test quick; the code
	// path is the same.
	in := startApp(t, func(c *app.Config) { c.Limits.MaxFanout = 1000 })
	a := in.a
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	var hooks []any
	for i := range 11 {
		hooks = append(hooks, webhookDef(fmt.Sprintf("h%03d", i), rc.URL("/"), []string{"Create"}, []string{"article"}, ""))
	}
	a.must(t, 200, "POST", "/api/v1/content/_webhooks/batch", hooks)
	batch := func(n int) []any {
		var out []any
		for i := range n {
			out = append(out, map[string]any{"title": fmt.Sprintf("t%d", i)})
		}
		return out
	}
	start := time.Now()
	code, raw, err := a.call("POST", "/api/v1/content/article/batch", batch(100)) // 100 × 11 = 1,100
	// A batch reports it as its failing item's error (400), a single write as 413.
	if err != nil || (code != 400 && code != 413) || !strings.Contains(string(raw), "more than 1000 webhook deliveries") {
		t.Fatalf("batch over the bound: %d %v %.300s, want a 400 or 413 naming 1000", code, err, raw)
	}
	t.Logf("refused after %v", time.Since(start))
	if l := a.must(t, 200, "GET", "/api/v1/content/article", nil); l["total_count"] != float64(0) {
		t.Errorf("the refused batch wrote objects: %v", l["total_count"])
	}
	start = time.Now()
	a.must(t, 200, "POST", "/api/v1/content/article/batch", batch(90)) // 990
	if !waitUntil(30*time.Second, func() bool { return rc.count() >= 990 }) {
		t.Errorf("the smaller batch delivered %d of 990", rc.count())
	}
	t.Logf("990 delivered in %v", time.Since(start))
}
