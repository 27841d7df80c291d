package delivery

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"

	"hookline/backend/store"
)

// openAtVersion creates a database with only the first n migrations applied,
// as an older Hookline left it.
func openAtVersion(t *testing.T, path string, n int) *gorm.DB {
	t.Helper()
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	g, err := gorm.Open(sqlite.Open("file:"+path+"?_pragma=foreign_keys(1)"), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = g.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`).Error
	for _, m := range ms[:n] {
		if err == nil {
			err = g.Exec(m.SQL).Error
		}
		if err == nil {
			err = g.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 'x')`, m.Version, m.Name).Error
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// upgrade closes the old database and opens it with this Hookline, which
// runs the migrations it lacks.
func upgrade(t *testing.T, old *gorm.DB, path string) *store.DB {
	t.Helper()
	if sqlDB, err := old.DB(); err == nil {
		sqlDB.Close()
	}
	db, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Migration 0005 moves every stored attempt into its delivery's history, and
// the log detail reads exactly as it did from the old attempts table; a
// migrated delivery that is still pending gets its next attempt appended.
// Migration 0006 moves each payload to delivery_payloads.
func TestHistoryMigrationKeepsExistingAttempts(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	path := filepath.Join(t.TempDir(), "hookline.db")
	old := openAtVersion(t, path, 4)
	now := time.Now().UnixMilli()
	const signed = `[{"name":"Content-Type","value":"application/json"},{"name":"User-Agent","value":"Hookline/0.0.9"},` +
		`{"name":"Auth","value":"t"},{"name":"Webhook-Id","value":"msg_A"},{"name":"Webhook-Timestamp","value":"1700000000"},` +
		`{"name":"Webhook-Signature","value":"v1,abc="}]`
	stmts := []struct {
		q    string
		args []any
	}{
		// A: failed once (503, retry), then done with a truncated body.
		{`INSERT INTO deliveries (seq, id, message_id, webhook_id, action, content_type, object_id, url, headers, secret, body,
			status, attempts, next_attempt_at, response_code, created_at, updated_at)
			VALUES (1, 'msg_A', 'msg_A', 'wh1', 'Create', 'product', 'p1', 'http://x/hook', '[{"name":"auth","value":"t"}]',
			?, '{"a":1}', 'done', 2, ?, 200, ?, ?)`, []any{testSecret, now, now - 5000, now}},
		{`INSERT INTO delivery_attempts (delivery_seq, n, started_at, duration_ms, request_headers, response_code,
			response_headers, response_body, response_truncated, error, outcome, next_attempt_at)
			VALUES (1, 1, ?, 7, ?, 503, '[{"name":"Retry-After","value":"1"}]', CAST('busy' AS BLOB), 0, 'HTTP 503 Service Unavailable', 'retry', ?)`,
			[]any{now - 5000, signed, now - 1000}},
		{`INSERT INTO delivery_attempts (delivery_seq, n, started_at, duration_ms, request_headers, response_code,
			response_headers, response_body, response_truncated, error, outcome, next_attempt_at)
			VALUES (1, 2, ?, 3, ?, 200, '[]', CAST('{"ok":true}' AS BLOB), 1, '', 'done', 0)`, []any{now - 1000, signed}},
		// B: refused once, its retry due now; the pool finishes it.
		{`INSERT INTO deliveries (seq, id, message_id, webhook_id, action, content_type, object_id, url, headers, secret, body,
			status, attempts, next_attempt_at, response_code, error, created_at, updated_at)
			VALUES (2, 'msg_B', 'msg_B', 'wh1', 'Update', 'product', 'p2', ?, '[]', '', '{"b":2}', 'pending', 1, ?, 0,
			'Request failed: connection refused', ?, ?)`, []any{rc.URL + "/b", now - 1, now - 3000, now - 3000}},
		{`INSERT INTO delivery_attempts (delivery_seq, n, started_at, duration_ms, request_headers, response_code,
			response_headers, response_body, error, outcome, next_attempt_at)
			VALUES (2, 1, ?, 1, '[]', 0, '[]', NULL, 'Request failed: connection refused', 'retry', ?)`, []any{now - 3000, now - 1}},
		// C: never attempted.
		{`INSERT INTO deliveries (seq, id, message_id, webhook_id, action, content_type, object_id, url, body,
			next_attempt_at, created_at, updated_at)
			VALUES (3, 'msg_C', 'msg_C', 'wh2', 'Delete', 'product', 'p3', 'http://x/never', '{"c":3}', ?, ?, ?)`,
			[]any{now + time.Hour.Milliseconds(), now, now}},
	}
	for _, s := range stmts {
		if err := old.Exec(s.q, s.args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	db := upgrade(t, old, path)
	var tables int
	db.R.Raw(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'delivery_attempts'`).Scan(&tables)
	if tables != 0 {
		t.Error("delivery_attempts survived the migration")
	}
	// Migration 0006: the payload left the hot row, and every row has one.
	var cols []string
	db.R.Raw(`SELECT name FROM pragma_table_info('deliveries') WHERE name IN ('url', 'headers', 'secret', 'body')`).Scan(&cols)
	var orphans int
	db.R.Raw(`SELECT COUNT(*) FROM deliveries WHERE seq NOT IN (SELECT seq FROM delivery_payloads)`).Scan(&orphans)
	if len(cols) != 0 || orphans != 0 {
		t.Errorf("deliveries still has %v; %d rows without a payload", cols, orphans)
	}
	var secret string
	db.R.Raw(`SELECT secret FROM delivery_payloads WHERE seq = 1`).Scan(&secret)
	if secret != testSecret {
		t.Errorf("migrated secret %q", secret)
	}
	tb := &testBundle{svc: New(db, Options{UserAgent: "Hookline/test", QuickRetries: -1}), db: db}
	ctx := context.Background()

	a, err := tb.svc.GetLog(ctx, "wh1", "msg_A")
	if err != nil {
		t.Fatal(err)
	}
	var wantSigned []Header
	if err := json.Unmarshal([]byte(signed), &wantSigned); err != nil {
		t.Fatal(err)
	}
	retryAt := time.UnixMilli(now - 1000).UTC()
	want := []LogAttempt{
		{N: 1, StartedAt: time.UnixMilli(now - 5000).UTC(), DurationMs: 7, Outcome: "retry", Error: "HTTP 503 Service Unavailable",
			RequestHeaders: wantSigned, NextAttemptAt: &retryAt,
			Response: &LogResponse{Status: 503, Headers: []Header{{Name: "Retry-After", Value: "1"}}, Body: "busy", DurationMs: 7}},
		{N: 2, StartedAt: time.UnixMilli(now - 1000).UTC(), DurationMs: 3, Outcome: "done", RequestHeaders: wantSigned,
			Response: &LogResponse{Status: 200, Headers: []Header{}, Body: `{"ok":true}`, BodyTruncated: true, DurationMs: 3}},
	}
	if !reflect.DeepEqual(a.History, want) {
		t.Errorf("migrated history\n got %+v\nwant %+v", a.History, want)
	}
	if a.Request.URL != "http://x/hook" || a.Request.Body != `{"a":1}` {
		t.Errorf("migrated payload: request %+v", a.Request)
	}
	if !reflect.DeepEqual(a.Request.Headers, wantSigned) || !reflect.DeepEqual(a.Response, want[1].Response) {
		t.Errorf("migrated request %+v, response %+v", a.Request, a.Response)
	}

	c, err := tb.svc.GetLog(ctx, "wh2", "msg_C")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.History) != 0 || c.Response != nil || header(c.Request.Headers, "Webhook-Id") != "msg_C" {
		t.Errorf("unattempted log %+v", c)
	}

	tb.start(t)
	b := tb.waitLog(t, "wh1", "msg_B", StatusDone)
	if len(b.History) != 2 || b.Attempts != 2 {
		t.Fatalf("history after the next attempt %+v", b.History)
	}
	if h := b.History[0]; h.Outcome != "retry" || h.Response != nil || len(h.RequestHeaders) != 0 ||
		h.Error != "Request failed: connection refused" {
		t.Errorf("migrated attempt %+v", h)
	}
	got := rc.requests()[0].header
	if h := b.History[1]; h.Outcome != "done" || h.Response == nil || h.Response.Status != 200 ||
		header(h.RequestHeaders, "Webhook-Timestamp") != got.Get("Webhook-Timestamp") {
		t.Errorf("new attempt %+v", h)
	}
}

// The attempt record keeps only what varies per attempt; the logged request
// headers are rebuilt from the delivery and must be exactly what was sent,
// in order.
func TestLoggedRequestHeadersAreThoseSent(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	tb := setup(t, Options{})
	tb.start(t)
	d := delivery(rc.URL)
	d.Secret = testSecret
	d.Headers = []Header{{Name: "x-trace", Value: "a"}, {Name: "AUTH", Value: "b"}}
	ids := tb.enqueue(t, d)
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)
	reqs := rc.requests()
	if len(log.History) != 2 || len(reqs) != 2 {
		t.Fatalf("%d attempts logged, %d received", len(log.History), len(reqs))
	}
	for i, r := range reqs {
		want := []Header{
			{Name: "Content-Type", Value: "application/json"}, {Name: "User-Agent", Value: "Hookline/test"},
			{Name: "X-Trace", Value: "a"}, {Name: "Auth", Value: "b"}, {Name: "Webhook-Id", Value: ids[0]},
			{Name: "Webhook-Timestamp", Value: r.header.Get("Webhook-Timestamp")},
			{Name: "Webhook-Signature", Value: r.header.Get("Webhook-Signature")},
		}
		for _, h := range want {
			if r.header.Get(h.Name) != h.Value {
				t.Errorf("attempt %d: receiver got %s %q, want %q", i+1, h.Name, r.header.Get(h.Name), h.Value)
			}
		}
		if !reflect.DeepEqual(log.History[i].RequestHeaders, want) {
			t.Errorf("attempt %d logged headers\n got %v\nwant %v", i+1, log.History[i].RequestHeaders, want)
		}
	}
	if !reflect.DeepEqual(log.Request.Headers, log.History[1].RequestHeaders) {
		t.Errorf("request headers %v are not the latest attempt's", log.Request.Headers)
	}
}
