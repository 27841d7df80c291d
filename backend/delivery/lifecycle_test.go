package delivery

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rowState is the queue columns of one delivery.
type rowState struct {
	ID            string
	Status        string
	Attempts      int
	ClaimedBy     *string
	NextAttemptAt int64
}

func (tb *testBundle) rows(t *testing.T) []rowState {
	t.Helper()
	var rs []rowState
	if err := tb.db.R.Raw(`SELECT id, status, attempts, claimed_by, next_attempt_at FROM deliveries ORDER BY seq`).Scan(&rs).Error; err != nil {
		t.Fatal(err)
	}
	return rs
}

func (tb *testBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := tb.db.R.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestExpiredLeaseIsReclaimed(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	const ttl = 300 * time.Millisecond
	tb := setup(t, Options{LeaseTTL: ttl})
	ids := tb.enqueue(t, delivery(rc.URL), delivery(rc.URL), delivery(rc.URL))

	// A process claims everything and dies without a word.
	claimedAt := time.Now()
	crashed, err := tb.svc.claim(context.Background(), "crashed-process", 10)
	if err != nil || len(crashed) != 3 {
		t.Fatalf("claim: %d, %v", len(crashed), err)
	}

	tb.start(t)
	for _, id := range ids {
		tb.waitLog(t, "wh1", id, StatusDone)
	}
	if waited := time.Since(claimedAt); waited < ttl-50*time.Millisecond {
		t.Errorf("reclaimed after %v, before the %v lease ran out", waited, ttl)
	}
	got := rc.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	for i, r := range got {
		if !strings.HasPrefix(r.header.Get("Webhook-Id"), "msg_") {
			t.Errorf("request %d: webhook-id %q", i, r.header.Get("Webhook-Id"))
		}
	}
}

func TestAbandonedClaimsAreReleasedAtStart(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	tb := setup(t, Options{LeaseTTL: time.Hour})
	ids := tb.enqueue(t, delivery(rc.URL), delivery(rc.URL))
	if crashed, err := tb.svc.claim(context.Background(), "crashed-process", 10); err != nil || len(crashed) != 2 {
		t.Fatalf("claim: %d, %v", len(crashed), err)
	}
	n, err := tb.svc.ReleaseAbandonedClaims(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2", n, err)
	}
	// With an hour-long lease, only the release can explain a prompt send.
	tb.start(t)
	for _, id := range ids {
		tb.waitLog(t, "wh1", id, StatusDone)
	}
	if got := len(rc.requests()); got != 2 {
		t.Fatalf("receiver got %d requests, want 2", got)
	}
}

func TestLeasesAreExtendedWhileAttemptsRun(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) { <-release })
	// The attempt outlives three lease periods; extension must keep the
	// row claimed so that it is not sent twice.
	tb := setup(t, Options{LeaseTTL: 300 * time.Millisecond, Workers: 1})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	<-rc.hits
	time.Sleep(time.Second)
	close(release)
	tb.waitLog(t, "wh1", ids[0], StatusDone)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("sent %d times, want once", n)
	}
}

func TestStopReleasesClaims(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	})
	// One worker and a batch of five: one attempt in flight, four claimed
	// and queued behind it.
	tb := setup(t, Options{Workers: 1, BatchSize: 5})
	if err := tb.svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := tb.enqueue(t, delivery(rc.URL), delivery(rc.URL), delivery(rc.URL), delivery(rc.URL), delivery(rc.URL))
	<-rc.hits
	waitFor(t, "all five claimed", func() bool {
		return tb.count(t, `SELECT COUNT(*) FROM deliveries WHERE claimed_by IS NOT NULL`) == 5
	})

	// The in-flight attempt does not finish in time: it is cut short.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := tb.svc.Stop(ctx); err == nil {
		t.Error("Stop returned nil although it cut an attempt short")
	}
	now := time.Now().UnixMilli()
	for _, r := range tb.rows(t) {
		if r.Status != StatusPending || r.ClaimedBy != nil || r.Attempts != 0 || r.NextAttemptAt > now {
			t.Errorf("after Stop: %+v, want pending, unclaimed, no attempt counted, due now", r)
		}
	}

	// The next start sends all five at once, not after a lease; the cut
	// attempt is repeated with the same webhook-id.
	close(release)
	started := time.Now()
	tb.start(t)
	for _, id := range ids {
		tb.waitLog(t, "wh1", id, StatusDone)
	}
	if d := time.Since(started); d > 5*time.Second {
		t.Errorf("restart took %v", d)
	}
	got := rc.requests()
	if len(got) != 6 || got[0].header.Get("Webhook-Id") != ids[0] || got[1].header.Get("Webhook-Id") != ids[0] {
		t.Errorf("want the interrupted delivery repeated with its webhook-id, got %d requests", len(got))
	}
}

func TestGracefulStopLetsInFlightFinish(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) { <-release })
	tb := setup(t, Options{Workers: 1, BatchSize: 4})
	if err := tb.svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := tb.enqueue(t, delivery(rc.URL), delivery(rc.URL), delivery(rc.URL))
	<-rc.hits
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(release)
	}()
	if err := tb.svc.Stop(context.Background()); err != nil {
		t.Fatalf("graceful Stop: %v", err)
	}
	rs := tb.rows(t)
	if rs[0].ID != ids[0] || rs[0].Status != StatusDone {
		t.Errorf("in-flight delivery %+v, want done", rs[0])
	}
	for _, r := range rs[1:] {
		if r.Status != StatusPending || r.ClaimedBy != nil || r.Attempts != 0 {
			t.Errorf("queued delivery %+v, want released unsent", r)
		}
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("%d requests after Stop began, want only the in-flight one", n)
	}
}

func TestRetentionKeeps300FinishedPerWebhook(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/stuck") {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	tb := setup(t, Options{RetryDelays: []time.Duration{time.Hour}})
	tb.start(t)
	ctx := context.Background()

	// Three old deliveries stay pending (a retry an hour away): retention
	// must never drop them, however old.
	stuck := delivery(rc.URL + "/stuck")
	stuckIDs := tb.enqueue(t, stuck, stuck, stuck)
	waitFor(t, "stuck deliveries to fail once", func() bool {
		return tb.count(t, `SELECT COUNT(*) FROM deliveries WHERE attempts = 1 AND status = 'pending'`) == 3
	})

	var ds []NewDelivery
	for i := range 320 {
		d := delivery(rc.URL + "/ok")
		d.ObjectID = fmt.Sprint("product-", i)
		ds = append(ds, d)
	}
	okIDs := tb.enqueue(t, ds...)
	other := delivery(rc.URL + "/ok")
	other.WebhookID = "wh2"
	otherIDs := tb.enqueue(t, other, other, other, other, other)
	waitFor(t, "the backlog to drain", func() bool {
		return tb.count(t, `SELECT COUNT(*) FROM deliveries WHERE status = 'pending'`) == 3 &&
			tb.count(t, `SELECT COUNT(*) FROM deliveries WHERE webhook_id = 'wh2' AND status = 'done'`) == 5
	})
	// The completer may have written the last batch just now; retention
	// runs in the same transaction, so what we read is final.
	if n := tb.count(t, `SELECT COUNT(*) FROM deliveries WHERE webhook_id = 'wh1' AND status <> 'pending'`); n != 300 {
		t.Errorf("wh1 keeps %d finished logs, want 300", n)
	}
	for _, id := range okIDs[:20] {
		if _, err := tb.svc.GetLog(ctx, "wh1", id); err == nil {
			t.Errorf("old log %s survived retention", id)
		}
	}
	for _, id := range append(append([]string{}, okIDs[20:]...), stuckIDs...) {
		if _, err := tb.svc.GetLog(ctx, "wh1", id); err != nil {
			t.Fatalf("log %s: %v", id, err)
		}
	}
	for _, id := range otherIDs {
		if _, err := tb.svc.GetLog(ctx, "wh2", id); err != nil {
			t.Errorf("other webhook's log %s: %v", id, err)
		}
	}
	// Attempts live in their delivery's row, so they go with it.
	if n := tb.count(t, `SELECT COUNT(*) FROM delivery_payloads`); n != 308 {
		t.Errorf("%d payloads, want one per remaining delivery (308)", n)
	}
	lengthOf := `json_array_length(history)`
	if tb.db.Dialect().Name() == "postgres" {
		lengthOf = `jsonb_array_length(CAST(history AS jsonb))`
	}
	if n := tb.count(t, `SELECT SUM(`+lengthOf+`) FROM deliveries`); n != 308 {
		t.Errorf("%d attempts, want 308 (300 + 3 stuck + 5 of wh2)", n)
	}
}

// TestQueriesUseIndexes pins the plans that keep the engine fast at scale:
// claim and retention must never scan the table.
func TestQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	tb := setup(t, Options{})
	if tb.db.Dialect().Name() != "sqlite" {
		t.Skip("pins SQLite's query plans; PostgreSQL plans by its statistics")
	}
	plan := func(q string, args ...any) string {
		var rows []struct{ Detail string }
		if err := tb.db.R.Raw(`EXPLAIN QUERY PLAN `+q, args...).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(r.Detail + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name, query string
		args        []any
		want        string
	}{
		{"claim", `SELECT seq FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
			[]any{1, 10}, "deliveries_due"},
		{"retention", `SELECT d.seq FROM json_each(?) w JOIN deliveries d
			ON d.webhook_id = w.value AND d.status <> 'pending' AND d.seq < (
				SELECT x.seq FROM deliveries x WHERE x.webhook_id = w.value AND x.status <> 'pending'
				ORDER BY x.seq DESC LIMIT 1 OFFSET ?)`,
			[]any{`["w1","w2"]`, 299}, "deliveries_finished"},
		{"complete", completeSQL, []any{`[[1,"done",1,0,200,"",0,{"n":1}]]`, "token"}, "INTEGER PRIMARY KEY"},
		{"list", `SELECT seq FROM deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT 20`, []any{"w"}, "deliveries_webhook"},
		{"list done", `SELECT seq FROM deliveries WHERE webhook_id = ? AND status = ? AND status <> 'pending' ORDER BY seq DESC LIMIT 20`,
			[]any{"w", "done"}, "deliveries_finished"},
	}
	for _, tt := range tests {
		p := plan(tt.query, tt.args...)
		if !strings.Contains(p, tt.want) || strings.Contains(p, "SCAN deliveries\n") {
			t.Errorf("%s: plan does not use %s:\n%s", tt.name, tt.want, p)
		}
	}
}

func TestTrustedCertificateReachesASelfSignedReceiver(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	tb := setup(t, Options{RetryDelays: []time.Duration{10 * time.Millisecond}})
	tb.start(t)

	untrusted := delivery(srv.URL)
	trusted := delivery(srv.URL)
	trusted.TLSCAPEM = caPEM
	ids := tb.enqueue(t, untrusted, trusted)
	tb.waitLog(t, "wh1", ids[0], StatusError)
	tb.waitLog(t, "wh1", ids[1], StatusDone)
	d, err := tb.svc.GetLog(context.Background(), "wh1", ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Error, "certificate") {
		t.Errorf("untrusted error %q does not name the certificate", d.Error)
	}
	// A redelivery keeps the trust the original was queued with.
	again, err := tb.svc.Redeliver(context.Background(), "wh1", ids[1])
	if err != nil {
		t.Fatal(err)
	}
	tb.waitLog(t, "wh1", again.ID, StatusDone)
}
