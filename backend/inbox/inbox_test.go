package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hookline/backend/errs"
	"hookline/backend/events"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
	"hookline/backend/webhook/signature"
)

// The Standard Webhooks test vector.
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = 1614265330
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type testBundle struct {
	db    *store.DB
	bus   *events.Bus
	clock *fakeClock
	path  string
}

func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Options(t, path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// setup returns a Service over a fresh database, with a clock fixed at the
// test vector's time and a fail-rate seed source that always answers 7.
func setup(t *testing.T, opts Options) (*Service, testBundle) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hookline.db")
	tb := testBundle{db: openDB(t, path), bus: events.NewBus(), clock: &fakeClock{t: time.Unix(vecTS, 0)}, path: path}
	opts.Bus = tb.bus
	opts.Now = tb.clock.Now
	if opts.Rand == nil {
		opts.Rand = func() int64 { return 7 }
	}
	return New(tb.db, opts), tb
}

func ptr[T any](v T) *T { return &v }

func mustCreate(t *testing.T, s *Service, in Input) Inbox {
	t.Helper()
	ib, err := s.Create(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return ib
}

func send(t *testing.T, s *Service, name, method, target, body string, h http.Header) (Response, Request) {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, vs := range h {
		r.Header[k] = vs
	}
	resp, err := s.Receive(context.Background(), name, r)
	if err != nil {
		t.Fatal(err)
	}
	req, err := s.GetRequest(context.Background(), name, resp.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	return resp, req
}

func TestValidation(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	long := strings.Repeat("a", 65)
	cases := []struct {
		name  string
		in    Input
		field string
	}{
		{"empty name", Input{}, "name"},
		{"upper case name", Input{Name: "Orders"}, "name"},
		{"underscore", Input{Name: "a_b"}, "name"},
		{"65 characters", Input{Name: long}, "name"},
		{"slash", Input{Name: "a/b"}, "name"},
		{"status 99", Input{Name: "a", Status: ptr(99)}, "status"},
		{"status 600", Input{Name: "a", Status: ptr(600)}, "status"},
		{"status 0 given", Input{Name: "a", Status: ptr(0)}, "status"},
		{"delay above 120 s", Input{Name: "a", DelayMs: 120_001}, "delayMs"},
		{"negative delay", Input{Name: "a", DelayMs: -1}, "delayMs"},
		{"fail rate 101", Input{Name: "a", FailRate: 101}, "failRate"},
		{"fail rate -1", Input{Name: "a", FailRate: -1}, "failRate"},
		{"fail first -1", Input{Name: "a", FailFirst: -1}, "failFirst"},
		{"fail status 200", Input{Name: "a", FailStatus: ptr(200)}, "failStatus"},
		{"fail status 600", Input{Name: "a", FailStatus: ptr(600)}, "failStatus"},
		{"negative seed", Input{Name: "a", FailSeed: ptr[int64](-1)}, "failSeed"},
		{"seed beyond JS", Input{Name: "a", FailSeed: ptr[int64](1 << 53)}, "failSeed"},
		{"secret without prefix", Input{Name: "a", Secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "secret"},
		{"secret not base64", Input{Name: "a", Secret: "whsec_!!!"}, "secret"},
		{"empty secret key", Input{Name: "a", Secret: "whsec_"}, "secret"},
		{"header name with space", Input{Name: "a", Headers: map[string]string{"X Foo": "1"}}, "headers"},
		{"owned header", Input{Name: "a", Headers: map[string]string{"content-length": "1"}}, "headers"},
		{"header value with CRLF", Input{Name: "a", Headers: map[string]string{"X-A": "1\r\nX-B: 2"}}, "headers"},
		{"body too large", Input{Name: "a", Body: strings.Repeat("x", MaxScriptBody+1)}, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Create(context.Background(), c.in)
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			fields := errs.FieldsOf(err)
			if len(fields[c.field]) == 0 {
				t.Fatalf("fields = %v, want a message for %q", fields, c.field)
			}
		})
	}
	// The edges are accepted.
	ok := []Input{
		{Name: "a"},
		{Name: strings.Repeat("z", 64)},
		{Name: "orders-2", Status: ptr(100), DelayMs: 120_000, FailRate: 100, FailFirst: 3, FailStatus: ptr(300), Secret: vecSecret,
			Headers: map[string]string{"X-Trace": "abc"}, FailSeed: ptr[int64](1<<53 - 1)},
		{Name: "b", Status: ptr(599), FailStatus: ptr(599)},
	}
	for _, in := range ok {
		if _, err := s.Create(context.Background(), in); err != nil {
			t.Errorf("Create(%+v) = %v", in.Name, err)
		}
	}
}

func TestCRUD(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	ctx := context.Background()
	ch, cancel := tb.bus.Subscribe(16)
	defer cancel()

	ib := mustCreate(t, s, Input{Name: "orders", Body: `{"ok":true}`, Headers: map[string]string{"content-type": "application/json"}})
	if ib.Status != 200 || ib.FailStatus != 500 || ib.FailSeed != 7 || ib.Body != `{"ok":true}` {
		t.Fatalf("defaults not applied: %+v", ib)
	}
	if e := (<-ch).Data.(Event); e.Kind != EventSaved || e.Inbox != "orders" {
		t.Fatalf("event = %+v", e)
	}
	if _, err := s.Create(ctx, Input{Name: "orders"}); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("duplicate: err = %v, want conflict", err)
	}
	if _, err := s.Get(ctx, "nope"); errs.CodeOf(err) != errs.NotFound || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("get unknown: %v", err)
	}
	send(t, s, "orders", "POST", "/inbox/orders", "{}", nil)
	send(t, s, "orders", "POST", "/inbox/orders", "{}", nil)
	got, err := s.Get(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if got.Received != 2 || got.RequestCount != 2 || got.LastRequestAt == nil || !got.LastRequestAt.Equal(time.Unix(vecTS, 0)) {
		t.Fatalf("counts: %+v", got)
	}

	// Update keeps the seed when none is given and restarts the sequence.
	up, err := s.Update(ctx, "orders", Input{Status: ptr(202), FailRate: 10})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != 202 || up.FailSeed != 7 || up.Received != 0 || up.RequestCount != 2 || up.Body != "" {
		t.Fatalf("update: %+v", up)
	}
	if _, err := s.Update(ctx, "orders", Input{Name: "other"}); errs.FieldsOf(err)["name"] == nil {
		t.Fatalf("rename: err = %v, want a name error", err)
	}
	if _, err := s.Update(ctx, "nope", Input{}); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("update unknown: %v", err)
	}
	if _, err := s.Update(ctx, "orders", Input{DelayMs: 200_000}); errs.FieldsOf(err)["delayMs"] == nil {
		t.Fatalf("update with bad delay: %v", err)
	}

	mustCreate(t, s, Input{Name: "alpha"})
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "alpha" || list[1].Name != "orders" {
		t.Fatalf("list: %+v", list)
	}

	if err := s.Clear(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if items, total, _ := s.ListRequests(ctx, "orders", 1, 10); total != 0 || len(items) != 0 {
		t.Fatalf("after clear: %d %v", total, items)
	}
	if err := s.Delete(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "orders"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.Clear(ctx, "orders"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("clear deleted: %v", err)
	}
}

func TestDeleteRemovesRequests(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	send(t, s, "x", "POST", "/inbox/x", "a", nil)
	if err := s.Delete(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	var n int
	tb.db.R.Raw(`SELECT COUNT(*) FROM inbox_requests`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d requests left behind", n)
	}
}

func TestReceiveRecordsTheRequest(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "orders", Status: ptr(201), Body: "thanks", Headers: map[string]string{"x-reply": "yes"}})
	ch, cancel := tb.bus.Subscribe(4)
	defer cancel()

	r := httptest.NewRequest("PATCH", "http://127.0.0.1:9/inbox/orders/deep/sub%20path?a=1&b=two", strings.NewReader(`{"n":1}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.RemoteAddr = "127.0.0.1:5555"
	resp, err := s.Receive(context.Background(), "orders", r)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 201 || resp.Body != "thanks" || resp.Headers["X-Reply"] != "yes" || resp.RequestID == "" {
		t.Fatalf("response = %+v", resp)
	}
	e := (<-ch).Data.(Event)
	if e.Kind != EventRequest || e.Request == nil || e.Request.ID != resp.RequestID || e.Request.ContentType != "application/json" {
		t.Fatalf("event = %+v", e)
	}

	req, err := s.GetRequest(context.Background(), "orders", resp.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	want := RequestSummary{
		ID: resp.RequestID, Inbox: "orders", N: 1, Number: 1, Method: "PATCH", Path: "/deep/sub%20path", Query: "a=1&b=two",
		ContentType: "application/json", BodySize: 7, RemoteAddr: "127.0.0.1:5555", ReceivedAt: time.Unix(vecTS, 0).UTC(),
		Signature: SigUnchecked, SignatureReason: "the inbox has no signing secret", ResponseStatus: 201,
	}
	if req.RequestSummary != want {
		t.Fatalf("summary\n got %+v\nwant %+v", req.RequestSummary, want)
	}
	if req.Body != `{"n":1}` || req.BodyEncoding != "utf8" || req.Roll != -1 {
		t.Fatalf("body %q %s roll %d", req.Body, req.BodyEncoding, req.Roll)
	}
	if !slices.Equal(req.Headers["X-Multi"], []string{"one", "two"}) || req.Headers["Host"][0] != "127.0.0.1:9" {
		t.Fatalf("headers = %v", req.Headers)
	}
	if req.Response.Status != 201 || req.Response.Body != "thanks" || req.Response.Headers["X-Reply"] != "yes" {
		t.Fatalf("recorded response = %+v", req.Response)
	}
	if _, err := s.GetRequest(context.Background(), "orders", "req_nope"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown request: %v", err)
	}
	if _, err := s.GetRequest(context.Background(), "nope", resp.RequestID); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("request through another inbox: %v", err)
	}
}

func TestReceiveUnknownInbox(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	for _, name := range []string{"nope", "BAD NAME"} {
		_, err := s.Receive(context.Background(), name, httptest.NewRequest("POST", "/inbox/x", nil))
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("%q: err = %v, want not found", name, err)
		}
	}
}

func TestPathAndBinaryBody(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	for target, want := range map[string]string{
		"/inbox/x":       "/",
		"/inbox/x/":      "/",
		"/inbox/x/a/b":   "/a/b",
		"/inbox/xy":      "/inbox/xy", // not below the prefix: kept whole
		"/inbox/x?q=1/2": "/",
	} {
		_, req := send(t, s, "x", "GET", target, "", nil)
		if req.Path != want {
			t.Errorf("%s: path %q, want %q", target, req.Path, want)
		}
	}
	_, req := send(t, s, "x", "PUT", "/inbox/x", "\xff\x00\x01", nil)
	if req.BodyEncoding != "base64" || req.Body != "/wAB" || req.BodySize != 3 {
		t.Fatalf("binary body: %+v", req)
	}
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{MaxBody: 10})
	mustCreate(t, s, Input{Name: "x", Secret: vecSecret})
	h := signedHeaders(t, vecSecret, "msg_1", vecTS, strings.Repeat("b", 25))
	_, req := send(t, s, "x", "POST", "/inbox/x", strings.Repeat("b", 25), h)
	if !req.Truncated || req.BodySize != 25 || req.Body != strings.Repeat("b", 10) {
		t.Fatalf("truncated=%v size=%d body=%q", req.Truncated, req.BodySize, req.Body)
	}
	if req.Signature != SigUnchecked || !strings.Contains(req.SignatureReason, "larger") {
		t.Fatalf("signature of a truncated body: %s %s", req.Signature, req.SignatureReason)
	}
	_, req = send(t, s, "x", "POST", "/inbox/x", strings.Repeat("b", 10), nil)
	if req.Truncated || req.BodySize != 10 {
		t.Fatalf("exactly the cap: truncated=%v size=%d", req.Truncated, req.BodySize)
	}
}

func TestRetentionKeepsNewest1000(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	mustCreate(t, s, Input{Name: "other"})
	send(t, s, "other", "POST", "/inbox/other", "", nil)
	for i := 0; i < DefaultMaxRequests+5; i++ {
		r := httptest.NewRequest("POST", "/inbox/x", strings.NewReader(fmt.Sprint(i)))
		if _, err := s.Receive(context.Background(), "x", r); err != nil {
			t.Fatal(err)
		}
	}
	items, total, err := s.ListRequests(context.Background(), "x", 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1000 || len(items) != 1000 {
		t.Fatalf("kept %d (page %d), want 1000", total, len(items))
	}
	if items[0].N != 1005 || items[999].N != 6 {
		t.Fatalf("newest first: first n=%d last n=%d, want 1005 and 6", items[0].N, items[999].N)
	}
	if _, total, _ := s.ListRequests(context.Background(), "other", 1, 10); total != 1 {
		t.Fatalf("another inbox lost requests: %d", total)
	}
	if tb.db.Dialect().Name() != "sqlite" {
		return // the plan below is SQLite's
	}
	// Retention must search the index, never scan the table.
	var plan []struct{ Detail string }
	tb.db.R.Raw(`EXPLAIN QUERY PLAN DELETE FROM inbox_requests WHERE inbox = ? AND seq <= (
		SELECT seq FROM inbox_requests WHERE inbox = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`, "x", "x", 1000).Scan(&plan)
	if len(plan) == 0 {
		t.Fatal("no query plan")
	}
	for _, p := range plan {
		if strings.HasPrefix(p.Detail, "SCAN") {
			t.Fatalf("retention scans: %+v", plan)
		}
	}
}

func TestListRequestsPages(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	for i := 0; i < 5; i++ {
		send(t, s, "x", "POST", "/inbox/x", "", nil)
	}
	items, total, err := s.ListRequests(context.Background(), "x", 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || len(items) != 2 || items[0].N != 3 || items[1].N != 2 {
		t.Fatalf("page 2: total %d items %+v", total, items)
	}
	if _, _, err := s.ListRequests(context.Background(), "nope", 1, 2); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown inbox: %v", err)
	}
	if _, _, err := s.ListRequests(context.Background(), "x", 1, 1001); errs.FieldsOf(err)["limit"] == nil {
		t.Fatalf("limit over max: %v", err)
	}
}

func statuses(t *testing.T, s *Service, name string, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		resp, _ := send(t, s, name, "POST", "/inbox/"+name, "", nil)
		out[i] = resp.Status
	}
	return out
}

func TestFailFirstPersists(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x", FailFirst: 3, FailStatus: ptr(503)})
	if got := statuses(t, s, "x", 2); !slices.Equal(got, []int{503, 503}) {
		t.Fatalf("first two: %v", got)
	}
	// A restart keeps the count: the third request still fails.
	tb.db.Close()
	db := openDB(t, tb.path)
	s = New(db, Options{Now: tb.clock.Now})
	resp, req := send(t, s, "x", "POST", "/inbox/x", "", nil)
	if resp.Status != 503 || req.Failure != FailureFirst || req.N != 3 || !strings.Contains(resp.Body, "first 3") {
		t.Fatalf("third after restart: %+v / %+v", resp, req.RequestSummary)
	}
	if got := statuses(t, s, "x", 2); !slices.Equal(got, []int{200, 200}) {
		t.Fatalf("after the first three: %v", got)
	}
	// Saving the script starts over.
	if _, err := s.Update(context.Background(), "x", Input{FailFirst: 1}); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, s, "x", 2); !slices.Equal(got, []int{500, 200}) {
		t.Fatalf("after update: %v", got)
	}
	// N started over for the script; the request numbers did not.
	items, _, err := s.ListRequests(context.Background(), "x", 1, 10)
	if err != nil || len(items) != 7 || items[0].N != 2 || items[0].Number != 7 || items[6].Number != 1 {
		t.Fatalf("numbers after a script save: %+v, %v", items, err)
	}
}

// A Hookline webhook body gets a one-line summary in the list; other bodies none.
func TestRequestSummaryLine(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	send(t, s, "x", "POST", "/inbox/x", `{"webhookId":"w","action":"Update","contentTypeName":"product","payload":{"id":"product-1"}}`, nil)
	send(t, s, "x", "POST", "/inbox/x", `not json`, nil)
	items, _, err := s.ListRequests(context.Background(), "x", 1, 10)
	if err != nil || len(items) != 2 {
		t.Fatal(items, err)
	}
	if items[1].Summary != "Update · product/product-1" || items[0].Summary != "" {
		t.Errorf("summaries %q, %q", items[1].Summary, items[0].Summary)
	}
}

func TestFailRateIsReproducible(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	ctx := context.Background()
	in := Input{Name: "x", FailRate: 30, FailSeed: ptr[int64](42)}
	mustCreate(t, s, in)
	first := statuses(t, s, "x", 100)
	fails := 0
	for _, st := range first {
		if st == 500 {
			fails++
		}
	}
	if fails < 15 || fails > 45 {
		t.Fatalf("%d of 100 failed at a 30%% rate", fails)
	}
	// Each record carries its draw, which reproduces its outcome.
	items, _, _ := s.ListRequests(ctx, "x", 1, 100)
	for _, it := range items {
		req, _ := s.GetRequest(ctx, "x", it.ID)
		if req.Roll != Draw(42, req.N) || (req.Roll < 30) != (req.Failure == FailureRate) {
			t.Fatalf("request %d: roll %d failure %q", req.N, req.Roll, req.Failure)
		}
	}
	// Saving the same script replays the same sequence, in a fresh inbox too.
	if _, err := s.Update(ctx, "x", in); err != nil {
		t.Fatal(err)
	}
	if again := statuses(t, s, "x", 100); !slices.Equal(first, again) {
		t.Fatalf("sequence changed after saving the same script")
	}
	in.Name = "y"
	mustCreate(t, s, in)
	if other := statuses(t, s, "y", 100); !slices.Equal(first, other) {
		t.Fatalf("same seed, different inbox, different sequence")
	}
	in.Name, in.FailSeed = "z", ptr[int64](43)
	mustCreate(t, s, in)
	if other := statuses(t, s, "z", 100); slices.Equal(first, other) {
		t.Fatalf("another seed gave the same 100 outcomes")
	}
	// The edges.
	mustCreate(t, s, Input{Name: "always", FailRate: 100})
	mustCreate(t, s, Input{Name: "never", FailRate: 0})
	if got := statuses(t, s, "always", 20); slices.Contains(got, 200) {
		t.Fatalf("100%%: %v", got)
	}
	if got := statuses(t, s, "never", 20); slices.Contains(got, 500) {
		t.Fatalf("0%%: %v", got)
	}
}

func TestDrawIsStable(t *testing.T) {
	t.Parallel()
	// Pinned so that a change to Draw, which would silently change every
	// saved inbox's sequence, fails here.
	got := []int{Draw(42, 1), Draw(42, 2), Draw(42, 3), Draw(7, 1)}
	want := []int{18, 10, 70, 61}
	if !slices.Equal(got, want) {
		t.Fatalf("Draw = %v, want %v", got, want)
	}
}

func signedHeaders(t *testing.T, secret, id string, ts int64, body string) http.Header {
	t.Helper()
	sig, err := signature.Sign(secret, id, ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{
		"Webhook-Id":        {id},
		"Webhook-Timestamp": {fmt.Sprint(ts)},
		"Webhook-Signature": {sig},
	}
}

func TestSignatureCheck(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "signed", Secret: vecSecret})
	mustCreate(t, s, Input{Name: "plain"})
	now := tb.clock.Now().Unix()
	other := signature.GenerateSecret()
	vector := http.Header{"Webhook-Id": {vecID}, "Webhook-Timestamp": {fmt.Sprint(vecTS)}, "Webhook-Signature": {vecSig}}
	rotated := signedHeaders(t, vecSecret, "msg_r", now, "{}")
	rotated.Set("Webhook-Signature", "v1,bm90IGl0 "+rotated.Get("Webhook-Signature"))
	noSig := signedHeaders(t, vecSecret, "msg_n", now, "{}")
	noSig.Del("Webhook-Signature")
	badTS := signedHeaders(t, vecSecret, "msg_t", now, "{}")
	badTS.Set("Webhook-Timestamp", "yesterday")
	cases := []struct {
		name, inbox, body string
		h                 http.Header
		status, reason    string
	}{
		{"spec vector", "signed", vecBody, vector, SigVerified, "matches"},
		{"several signatures, one good", "signed", "{}", rotated, SigVerified, "matches"},
		{"no headers", "signed", "{}", nil, SigMissing, "webhook-id, webhook-timestamp, webhook-signature"},
		{"no signature header", "signed", "{}", noSig, SigMissing, "missing header webhook-signature"},
		{"other secret", "signed", "{}", signedHeaders(t, other, "msg_o", now, "{}"), SigBad, "secret differs"},
		{"body changed", "signed", `{"x":1}`, signedHeaders(t, vecSecret, "msg_b", now, "{}"), SigBad, "body changed"},
		{"timestamp not a number", "signed", "{}", badTS, SigBad, `"yesterday" is not Unix seconds`},
		{"six minutes old", "signed", "{}", signedHeaders(t, vecSecret, "msg_s", now-360, "{}"), SigStale, "6m0s old"},
		{"six minutes ahead", "signed", "{}", signedHeaders(t, vecSecret, "msg_f", now+360, "{}"), SigStale, "in the future"},
		{"four minutes old", "signed", "{}", signedHeaders(t, vecSecret, "msg_ok", now-240, "{}"), SigVerified, ""},
		{"no secret", "plain", "{}", signedHeaders(t, vecSecret, "msg_p", now, "{}"), SigUnchecked, "signed, but the inbox has no signing secret"},
		{"no secret, unsigned", "plain", "{}", nil, SigUnchecked, "the inbox has no signing secret"},
	}
	for _, c := range cases {
		_, req := send(t, s, c.inbox, "POST", "/inbox/"+c.inbox, c.body, c.h)
		if req.Signature != c.status || !strings.Contains(req.SignatureReason, c.reason) {
			t.Errorf("%s: %s (%s), want %s containing %q", c.name, req.Signature, req.SignatureReason, c.status, c.reason)
		}
	}
}

func TestAbandon(t *testing.T) {
	t.Parallel()
	s, tb := setup(t, Options{})
	mustCreate(t, s, Input{Name: "slow", DelayMs: 5000})
	resp, req := send(t, s, "slow", "POST", "/inbox/slow", "", nil)
	if resp.DelayMs != 5000 || req.AbandonedAfterMs != nil {
		t.Fatalf("before: %+v %+v", resp, req.AbandonedAfterMs)
	}
	ch, cancel := tb.bus.Subscribe(4)
	defer cancel()
	if err := s.Abandon(context.Background(), "slow", resp.RequestID, 1234*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if e := (<-ch).Data.(Event); e.Kind != EventRequestUpdated || e.Request.AbandonedAfterMs == nil || *e.Request.AbandonedAfterMs != 1234 {
		t.Fatalf("event: %+v", e)
	}
	req, _ = s.GetRequest(context.Background(), "slow", resp.RequestID)
	if req.AbandonedAfterMs == nil || *req.AbandonedAfterMs != 1234 {
		t.Fatalf("after: %v", req.AbandonedAfterMs)
	}
}

func TestReplayRejectsBadURLs(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{})
	mustCreate(t, s, Input{Name: "x"})
	resp, _ := send(t, s, "x", "POST", "/inbox/x", "", nil)
	for _, u := range []string{"", "ftp://host/x", "/relative", "http://", "not a url"} {
		_, err := s.Replay(context.Background(), "x", resp.RequestID, u)
		if errs.FieldsOf(err)["url"] == nil {
			t.Errorf("%q: err = %v, want a url error", u, err)
		}
	}
}

func TestReplayUnreachable(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, Options{ReplayTimeout: 300 * time.Millisecond})
	mustCreate(t, s, Input{Name: "x"})
	resp, _ := send(t, s, "x", "POST", "/inbox/x", "", nil)
	// A listener that never answers: the replay must give up at the timeout.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	res, err := s.Replay(context.Background(), "x", resp.RequestID, hang.URL)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 0 || !strings.Contains(res.Error, "no answer within 300ms") || res.DurationMs < 250 {
		t.Fatalf("timeout: %+v", res)
	}
	// A closed port: refused.
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	res, err = s.Replay(context.Background(), "x", resp.RequestID, url)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 0 || !strings.Contains(res.Error, "Request failed") || !strings.Contains(res.Error, "refused") {
		t.Fatalf("refused: %+v", res)
	}
}

func ExampleDraw() {
	// An inbox with a 30% fail rate and seed 42: requests 1 and 2 draw under
	// 30 and fail, request 3 draws 70 and succeeds. Anyone can recompute this.
	for n := int64(1); n <= 3; n++ {
		fmt.Println(n, Draw(42, n), Draw(42, n) < 30)
	}
	// Output:
	// 1 18 true
	// 2 10 true
	// 3 70 false
}
