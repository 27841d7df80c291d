package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hookline/backend/api"
	"hookline/backend/auth"
	"hookline/backend/events"
	"hookline/backend/inbox"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
	"hookline/backend/webhook/signature"
)

const inboxTestKey = "inbox-test-rw-key"

// inboxBundle is a real server on a real port over a real database.
type inboxBundle struct {
	url    string
	srv    *api.Server
	svc    *inbox.Service
	roKey  string
	client *http.Client
}

func inboxSetup(t *testing.T, opts inbox.Options) inboxBundle {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.Options(t, filepath.Join(t.TempDir(), "hookline.db")))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.Load(ctx, db, inboxTestKey)
	if err != nil {
		t.Fatal(err)
	}
	bus := events.NewBus()
	opts.Bus = bus
	svc := inbox.New(db, opts)
	srv := api.New(api.Options{DB: db, Keys: keys, Bus: bus, Inbox: svc})
	serveForTest(t, srv, db)
	return inboxBundle{url: "http://" + srv.Addr(), srv: srv, svc: svc, roKey: keys.Current().ReadOnly, client: &http.Client{Timeout: 10 * time.Second}}
}

// call sends a management request with the read-write key (key "" sends none)
// and decodes a JSON answer into out when out is not nil.
func (b inboxBundle) call(t *testing.T, key, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-AUTH-TOKEN", key)
	}
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, raw, err)
		}
	}
	return res
}

func (b inboxBundle) mustCall(t *testing.T, want int, method, path string, body any, out any) {
	t.Helper()
	var raw json.RawMessage
	res := b.call(t, inboxTestKey, method, path, body, &raw)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

// send sends a request to an inbox receiver, with no key.
func (b inboxBundle) send(t *testing.T, method, path, body string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, b.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func (b inboxBundle) requests(t *testing.T, name string) api.List[inbox.RequestSummary] {
	t.Helper()
	var l api.List[inbox.RequestSummary]
	b.mustCall(t, 200, "GET", "/api/v1/inboxes/"+name+"/requests?limit=1000", nil, &l)
	return l
}

func (b inboxBundle) request(t *testing.T, name, id string) inbox.Request {
	t.Helper()
	var r inbox.Request
	b.mustCall(t, 200, "GET", "/api/v1/inboxes/"+name+"/requests/"+id, nil, &r)
	return r
}

func TestInboxReceivesAnyMethodAndSubPathWithoutKey(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "orders", "body": "ok"}, nil)
	type sent struct{ method, path, wantPath, query string }
	all := []sent{
		{"POST", "/inbox/orders", "/", ""},
		{"GET", "/inbox/orders/", "/", ""},
		{"PUT", "/inbox/orders/a/b", "/a/b", ""},
		{"PATCH", "/inbox/orders/x?y=1&z=2", "/x", "y=1&z=2"},
		{"DELETE", "/inbox/orders/deep/er/path", "/deep/er/path", ""},
		{"OPTIONS", "/inbox/orders", "/", ""},
		{"HEAD", "/inbox/orders/h", "/h", ""},
	}
	for _, s := range all {
		res, body := b.send(t, s.method, s.path, "payload", nil)
		if res.StatusCode != 200 || res.Header.Get("Hookline-Request-Id") == "" {
			t.Fatalf("%s %s = %d", s.method, s.path, res.StatusCode)
		}
		if s.method != "HEAD" && body != "ok" {
			t.Fatalf("%s %s body %q", s.method, s.path, body)
		}
	}
	l := b.requests(t, "orders")
	if l.TotalCount != len(all) || l.Count != len(all) {
		t.Fatalf("recorded %d", l.TotalCount)
	}
	for i, s := range all {
		got := l.Data[len(all)-1-i] // newest first
		if got.Method != s.method || got.Path != s.wantPath || got.Query != s.query {
			t.Errorf("request %d: %s %s ?%s, want %s %s ?%s", i, got.Method, got.Path, got.Query, s.method, s.wantPath, s.query)
		}
	}
	res, body := b.send(t, "POST", "/inbox/nope", "", nil)
	if res.StatusCode != 404 || !strings.Contains(body, `inbox \"nope\" does not exist`) {
		t.Fatalf("unknown inbox: %d %s", res.StatusCode, body)
	}
}

func TestInboxManagementNeedsKey(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "x"}, nil)
	res, _ := b.send(t, "POST", "/inbox/x", "{}", nil)
	id := res.Header.Get("Hookline-Request-Id")
	routes := []struct {
		method, path string
		body         any
		write        bool
	}{
		{"GET", "/api/v1/inboxes", nil, false},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "y"}, true},
		{"GET", "/api/v1/inboxes/x", nil, false},
		{"PUT", "/api/v1/inboxes/x", map[string]any{}, true},
		{"GET", "/api/v1/inboxes/x/requests", nil, false},
		{"GET", "/api/v1/inboxes/x/requests/" + id, nil, false},
		{"POST", "/api/v1/inboxes/x/requests/" + id + "/replay", map[string]any{"url": b.url + "/inbox/x"}, true},
		{"DELETE", "/api/v1/inboxes/x/requests", nil, true},
		{"DELETE", "/api/v1/inboxes/x", nil, true},
	}
	for _, r := range routes {
		if res := b.call(t, "", r.method, r.path, r.body, nil); res.StatusCode != 401 {
			t.Errorf("no key: %s %s = %d, want 401", r.method, r.path, res.StatusCode)
		}
		want := 200
		if r.write {
			want = 403
		}
		if res := b.call(t, b.roKey, r.method, r.path, r.body, nil); res.StatusCode != want {
			t.Errorf("read-only key: %s %s = %d, want %d", r.method, r.path, res.StatusCode, want)
		}
	}
}

func TestInboxCRUDOverHTTP(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	var created inbox.Inbox
	res := b.call(t, inboxTestKey, "POST", "/api/v1/inboxes", map[string]any{
		"name": "orders", "status": 202, "headers": map[string]string{"X-Reply": "1"}, "body": "{}", "delayMs": 10,
		"failFirst": 1, "failRate": 20, "failSeed": 99, "failStatus": 503, "secret": signature.GenerateSecret(),
	}, &created)
	if res.StatusCode != 201 || res.Header.Get("Location") != "/api/v1/inboxes/orders" {
		t.Fatalf("create = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if created.Status != 202 || created.FailSeed != 99 || created.FailStatus != 503 || created.Headers["X-Reply"] != "1" || !strings.HasPrefix(created.Secret, "whsec_") {
		t.Fatalf("created = %+v", created)
	}
	b.mustCall(t, 409, "POST", "/api/v1/inboxes", map[string]any{"name": "orders"}, nil)

	var got inbox.Inbox
	b.mustCall(t, 200, "GET", "/api/v1/inboxes/orders", nil, &got)
	if got.Name != "orders" || got.DelayMs != 10 {
		t.Fatalf("get = %+v", got)
	}
	var updated inbox.Inbox
	b.mustCall(t, 200, "PUT", "/api/v1/inboxes/orders", map[string]any{"status": 204}, &updated)
	if updated.Status != 204 || updated.FailRate != 0 || updated.Secret != "" || updated.FailSeed != 99 {
		t.Fatalf("PUT replaces the script (keeping the seed): %+v", updated)
	}
	var list []inbox.Inbox
	b.mustCall(t, 200, "GET", "/api/v1/inboxes", nil, &list)
	if len(list) != 1 || list[0].Name != "orders" {
		t.Fatalf("list = %+v", list)
	}
	b.mustCall(t, 204, "DELETE", "/api/v1/inboxes/orders", nil, nil)
	b.mustCall(t, 404, "GET", "/api/v1/inboxes/orders", nil, nil)
	b.mustCall(t, 404, "PUT", "/api/v1/inboxes/orders", map[string]any{}, nil)
	b.mustCall(t, 404, "DELETE", "/api/v1/inboxes/orders", nil, nil)
	b.mustCall(t, 404, "GET", "/api/v1/inboxes/orders/requests", nil, nil)
	b.mustCall(t, 404, "DELETE", "/api/v1/inboxes/orders/requests", nil, nil)
	b.mustCall(t, 200, "GET", "/api/v1/inboxes", nil, &list)
	if len(list) != 0 {
		t.Fatalf("after delete: %+v", list)
	}

	// Not JSON at all: 415.
	req, _ := http.NewRequest("POST", b.url+"/api/v1/inboxes", strings.NewReader("name=x"))
	req.Header.Set("X-AUTH-TOKEN", inboxTestKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := b.client.Do(req); err != nil || res.StatusCode != 415 {
		t.Fatalf("form body: %v %v", res, err)
	}
}

func TestInboxBadInputIs400NamingTheField(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "ok"}, nil)
	cases := []struct {
		method, path string
		body         any
		field        string
	}{
		{"POST", "/api/v1/inboxes", map[string]any{"name": "Has-Caps"}, "name"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": strings.Repeat("a", 65)}, "name"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "sp ace"}, "name"},
		{"POST", "/api/v1/inboxes", map[string]any{}, "name"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "status": 99}, "status"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "status": 600}, "status"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "delayMs": 120001}, "delayMs"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "failRate": 101}, "failRate"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "failRate": -1}, "failRate"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "failRate": 12.5}, "failRate"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "failFirst": -2}, "failFirst"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "failStatus": 201}, "failStatus"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "secret": "hunter2"}, "secret"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "headers": map[string]string{"Bad Name": "x"}}, "headers"},
		{"POST", "/api/v1/inboxes", map[string]any{"name": "a", "status": "200"}, "status"},
		{"PUT", "/api/v1/inboxes/ok", map[string]any{"status": 700}, "status"},
		{"PUT", "/api/v1/inboxes/ok", map[string]any{"delayMs": 999999}, "delayMs"},
		{"PUT", "/api/v1/inboxes/ok", map[string]any{"name": "renamed"}, "name"},
		{"GET", "/api/v1/inboxes/ok/requests?limit=0", nil, "limit"},
		{"GET", "/api/v1/inboxes/ok/requests?page=x", nil, "page"},
		{"GET", "/api/v1/inboxes/ok/requests?limit=1001", nil, "limit"},
	}
	for _, c := range cases {
		var fields map[string][]string
		res := b.call(t, inboxTestKey, c.method, c.path, c.body, &fields)
		if res.StatusCode != 400 || len(fields[c.field]) == 0 {
			t.Errorf("%s %s %v = %d %v, want 400 naming %s", c.method, c.path, c.body, res.StatusCode, fields, c.field)
		}
	}
	// Malformed JSON names the body.
	req, _ := http.NewRequest("POST", b.url+"/api/v1/inboxes", strings.NewReader(`{"name":`))
	req.Header.Set("X-AUTH-TOKEN", inboxTestKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := b.client.Do(req)
	if err != nil || res.StatusCode != 400 {
		t.Fatalf("malformed JSON: %v %v", res, err)
	}
}

func TestInboxBodyCapOverHTTP(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "big"}, nil)
	body := strings.Repeat("a", inbox.DefaultMaxBody) + "0123456789"
	res, _ := b.send(t, "POST", "/inbox/big", body, nil)
	if res.StatusCode != 200 {
		t.Fatalf("oversized body answered %d", res.StatusCode)
	}
	r := b.request(t, "big", res.Header.Get("Hookline-Request-Id"))
	if !r.Truncated || r.BodySize != int64(len(body)) || len(r.Body) != inbox.DefaultMaxBody {
		t.Fatalf("truncated=%v size=%d kept=%d", r.Truncated, r.BodySize, len(r.Body))
	}
	res, _ = b.send(t, "POST", "/inbox/big", body[:inbox.DefaultMaxBody], nil)
	if r := b.request(t, "big", res.Header.Get("Hookline-Request-Id")); r.Truncated || len(r.Body) != inbox.DefaultMaxBody {
		t.Fatalf("exactly 1 MiB: truncated=%v kept=%d", r.Truncated, len(r.Body))
	}
}

func TestInboxScriptedResponseAndDelay(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{
		"name": "teapot", "status": 418, "headers": map[string]string{"content-type": "application/json", "X-Why": "because"},
		"body": `{"short":"stout"}`, "delayMs": 300,
	}, nil)
	start := time.Now()
	res, body := b.send(t, "POST", "/inbox/teapot", "", nil)
	took := time.Since(start)
	if res.StatusCode != 418 || body != `{"short":"stout"}` || res.Header.Get("Content-Type") != "application/json" || res.Header.Get("X-Why") != "because" {
		t.Fatalf("answer = %d %q %v", res.StatusCode, body, res.Header)
	}
	if took < 300*time.Millisecond {
		t.Fatalf("answered after %v, before the 300 ms delay", took)
	}
	r := b.request(t, "teapot", res.Header.Get("Hookline-Request-Id"))
	if r.Response.Status != 418 || r.Response.DelayMs != 300 || r.Response.Body != `{"short":"stout"}` || r.AbandonedAfterMs != nil {
		t.Fatalf("recorded response = %+v", r.Response)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInboxDelayEndsWhenSenderHangsUp(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "slow", "delayMs": 60000}, nil)
	impatient := &http.Client{Timeout: 200 * time.Millisecond}
	if _, err := impatient.Post(b.url+"/inbox/slow", "text/plain", strings.NewReader("hi")); err == nil {
		t.Fatal("the 60 s delay was not applied")
	}
	waitFor(t, "the request to show as abandoned", func() bool {
		l := b.requests(t, "slow")
		return l.Count == 1 && l.Data[0].AbandonedAfterMs != nil
	})
	if ms := *b.requests(t, "slow").Data[0].AbandonedAfterMs; ms < 150 || ms > 5000 {
		t.Fatalf("abandoned after %d ms", ms)
	}
}

func TestInboxDelayEndsOnShutdown(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "slow", "delayMs": 120000}, nil)
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Post(b.url+"/inbox/slow", "text/plain", nil)
		if err != nil {
			got <- result{err: err}
			return
		}
		res.Body.Close()
		got <- result{status: res.StatusCode}
	}()
	waitFor(t, "the request to arrive", func() bool { return b.requests(t, "slow").Count == 1 })
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("shutdown waited %v for a delayed answer", took)
	}
	if r := <-got; r.err != nil || r.status != 503 {
		t.Fatalf("sender got %d %v, want 503", r.status, r.err)
	}
}

func TestInboxFailureModesOverHTTP(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "flaky", "failFirst": 2}, nil)
	var st []int
	for range 4 {
		res, _ := b.send(t, "POST", "/inbox/flaky", "", nil)
		st = append(st, res.StatusCode)
	}
	if !slices.Equal(st, []int{500, 500, 200, 200}) {
		t.Fatalf("fail first 2: %v", st)
	}
	script := map[string]any{"failRate": 50, "failSeed": 1234, "failStatus": 429}
	run := func() []int {
		b.mustCall(t, 200, "PUT", "/api/v1/inboxes/flaky", script, nil)
		var out []int
		for range 30 {
			res, _ := b.send(t, "POST", "/inbox/flaky", "", nil)
			out = append(out, res.StatusCode)
		}
		return out
	}
	first := run()
	if !slices.Contains(first, 429) || !slices.Contains(first, 200) {
		t.Fatalf("50%% over 30 requests: %v", first)
	}
	if again := run(); !slices.Equal(first, again) {
		t.Fatalf("same seed, different sequence:\n%v\n%v", first, again)
	}
	l := b.requests(t, "flaky")
	r := b.request(t, "flaky", l.Data[0].ID)
	if r.N != 30 || r.Roll != inbox.Draw(1234, 30) {
		t.Fatalf("newest: n=%d roll=%d", r.N, r.Roll)
	}
}

func TestInboxSignatureOverHTTP(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	secret := signature.GenerateSecret()
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "signed", "secret": secret}, nil)
	sign := func(key string, ts int64, body string) http.Header {
		sig, err := signature.Sign(key, "msg_1", ts, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {fmt.Sprint(ts)}, "Webhook-Signature": {sig}}
	}
	now := time.Now().Unix()
	cases := []struct {
		name   string
		h      http.Header
		status string
		reason string
	}{
		{"signed", sign(secret, now, `{"a":1}`), inbox.SigVerified, "matches"},
		{"unsigned", nil, inbox.SigMissing, "missing header webhook-id, webhook-timestamp, webhook-signature"},
		{"wrong secret", sign(signature.GenerateSecret(), now, `{"a":1}`), inbox.SigBad, "no v1 signature"},
		{"ten minutes old", sign(secret, now-600, `{"a":1}`), inbox.SigStale, "old; the limit is 5 minutes"},
	}
	for _, c := range cases {
		res, _ := b.send(t, "POST", "/inbox/signed", `{"a":1}`, c.h)
		r := b.request(t, "signed", res.Header.Get("Hookline-Request-Id"))
		if r.Signature != c.status || !strings.Contains(r.SignatureReason, c.reason) {
			t.Errorf("%s: %s %q, want %s with %q", c.name, r.Signature, r.SignatureReason, c.status, c.reason)
		}
	}
}

func TestInboxListEnvelopeAndClear(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "x"}, nil)
	for i := range 5 {
		b.send(t, "POST", "/inbox/x", fmt.Sprint(i), nil)
	}
	var l api.List[inbox.RequestSummary]
	b.mustCall(t, 200, "GET", "/api/v1/inboxes/x/requests?page=2&limit=2", nil, &l)
	if l.TotalCount != 5 || l.TotalPages != 3 || l.CurrentPage != 2 || l.Count != 2 || l.Data[0].N != 3 {
		t.Fatalf("envelope = %+v", l)
	}
	b.mustCall(t, 404, "GET", "/api/v1/inboxes/x/requests/req_nope", nil, nil)
	b.mustCall(t, 204, "DELETE", "/api/v1/inboxes/x/requests", nil, nil)
	if l := b.requests(t, "x"); l.TotalCount != 0 || l.Data == nil {
		t.Fatalf("after clear: %+v", l)
	}
	var ib inbox.Inbox
	b.mustCall(t, 200, "GET", "/api/v1/inboxes/x", nil, &ib)
	if ib.Received != 5 || ib.RequestCount != 0 {
		t.Fatalf("clear keeps the sequence: %+v", ib)
	}
}

func TestInboxReplay(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "x"}, nil)

	type seen struct {
		method, path, body, host string
		header                   http.Header
	}
	got := make(chan seen, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.RequestURI(), string(body), r.Host, r.Header}
		w.Header().Set("X-Target", "yes")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, strings.Repeat("r", inbox.MaxReplayResponse+100))
	}))
	defer target.Close()

	h := http.Header{
		"Content-Type":        {"application/json"},
		"Webhook-Id":          {"msg_9"},
		"X-Custom":            {"one", "two"},
		"Keep-Alive":          {"timeout=5"},
		"Proxy-Authorization": {"Basic eDp5"},
		"Te":                  {"trailers"},
	}
	res, _ := b.send(t, "PATCH", "/inbox/x/sub?q=1", `{"replay":true}`, h)
	id := res.Header.Get("Hookline-Request-Id")

	var out inbox.ReplayResult
	b.mustCall(t, 200, "POST", "/api/v1/inboxes/x/requests/"+id+"/replay", map[string]string{"url": target.URL + "/hook?from=replay"}, &out)
	s := <-got
	if s.method != "PATCH" || s.path != "/hook?from=replay" || s.body != `{"replay":true}` || s.host != strings.TrimPrefix(target.URL, "http://") {
		t.Fatalf("target saw %s %s %q host %s", s.method, s.path, s.body, s.host)
	}
	if s.header.Get("Webhook-Id") != "msg_9" || !slices.Equal(s.header["X-Custom"], []string{"one", "two"}) || s.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers not copied: %v", s.header)
	}
	for _, hop := range []string{"Keep-Alive", "Proxy-Authorization", "Te"} {
		if s.header.Get(hop) != "" {
			t.Errorf("hop-by-hop %s was replayed", hop)
		}
	}
	if out.Status != 202 || out.Headers["X-Target"][0] != "yes" || !out.Truncated || len(out.Body) != inbox.MaxReplayResponse || out.Error != "" || out.DurationMs < 0 {
		t.Fatalf("result: status %d trunc %v len %d err %q", out.Status, out.Truncated, len(out.Body), out.Error)
	}

	// A replay into an inbox is recorded there like any request.
	b.mustCall(t, 200, "POST", "/api/v1/inboxes/x/requests/"+id+"/replay", map[string]string{"url": b.url + "/inbox/x/again"}, &out)
	if out.Status != 200 {
		t.Fatalf("replay to the inbox itself: %+v", out)
	}
	if l := b.requests(t, "x"); l.TotalCount != 2 || l.Data[0].Path != "/again" || l.Data[0].Method != "PATCH" {
		t.Fatalf("replayed request: %+v", l.Data[0])
	}

	var fields map[string][]string
	if res := b.call(t, inboxTestKey, "POST", "/api/v1/inboxes/x/requests/"+id+"/replay", map[string]string{"url": "file:///etc/passwd"}, &fields); res.StatusCode != 400 || fields["url"] == nil {
		t.Fatalf("bad url: %d %v", res.StatusCode, fields)
	}
	b.mustCall(t, 404, "POST", "/api/v1/inboxes/x/requests/req_nope/replay", map[string]string{"url": target.URL}, nil)
}

// serveForTest serves srv on a free loopback port until the test ends, then
// shuts it down and closes db.
func serveForTest(t *testing.T, srv *api.Server, db *store.DB) {
	t.Helper()
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
		db.Close()
	})
}
