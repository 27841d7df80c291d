package delivery

import (
	"context"
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

// A failed delivery waiting for its next attempt is "retrying": pending,
// attempts > 0, a next attempt time, and the schedule's attempt count.
func TestRetryingStateIsDerivable(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	tb := setup(t, Options{RetryDelays: []time.Duration{time.Hour, time.Hour, time.Hour, time.Hour, time.Hour}})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	var l LogSummary
	waitFor(t, "first attempt", func() bool {
		d, err := tb.svc.GetLog(context.Background(), "wh1", ids[0])
		l = d.LogSummary
		return err == nil && d.Attempts == 1 && d.NextAttemptAt != nil
	})
	if l.Status != StatusPending || l.ResponseCode != 500 || l.MaxAttempts != 6 {
		t.Fatalf("summary %+v, want pending, 500, maxAttempts 6", l)
	}
	if d := time.Until(*l.NextAttemptAt); d < 40*time.Minute || d > 80*time.Minute {
		t.Errorf("next attempt in %v, want about 1h", d)
	}
	for _, tc := range []struct {
		status string
		want   int
	}{{FilterRetrying, 1}, {FilterQueued, 0}, {StatusPending, 1}, {StatusError, 0}} {
		page, err := tb.svc.ListAllLogs(context.Background(), LogFilter{Status: tc.status}, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != tc.want {
			t.Errorf("status=%s: %d logs, want %d", tc.status, page.Total, tc.want)
		}
	}
	if _, err := tb.svc.ListAllLogs(context.Background(), LogFilter{Status: "later"}, 1, 50); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("unknown status: %v", err)
	}
}

// Filters across webhooks, and the text search over object id and error.
func TestListAllLogsFilters(t *testing.T) {
	t.Parallel()
	ok := newReceiver(t, nil)
	gone := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Error(w, "receiver moved away", http.StatusGone)
	})
	tb := setup(t, Options{})
	tb.start(t)
	a := delivery(ok.URL)
	b := delivery(gone.URL)
	b.WebhookID, b.ContentType, b.ObjectID, b.Action = "wh2", "blog", "blog-7", "Update"
	ids := tb.enqueue(t, a, b)
	tb.waitLog(t, "wh1", ids[0], StatusDone)
	tb.waitLog(t, "wh2", ids[1], StatusError)

	future := time.Now().Add(time.Hour)
	cases := []struct {
		name string
		f    LogFilter
		want []string
	}{
		{"all, newest first", LogFilter{}, []string{ids[1], ids[0]}},
		{"webhook", LogFilter{WebhookID: "WH2"}, []string{ids[1]}},
		{"type", LogFilter{ContentType: "product"}, []string{ids[0]}},
		{"action", LogFilter{Action: "Update"}, []string{ids[1]}},
		{"object", LogFilter{ObjectID: "BLOG-7"}, []string{ids[1]}},
		{"code", LogFilter{ResponseCode: 410}, []string{ids[1]}},
		{"status", LogFilter{Status: StatusDone}, []string{ids[0]}},
		{"search error", LogFilter{Q: "HTTP 410"}, []string{ids[1]}},
		{"search object", LogFilter{Q: "uct-1"}, []string{ids[0]}},
		{"search is literal", LogFilter{Q: "%"}, []string{}},
		{"since the future", LogFilter{Since: &future}, []string{}},
		{"until the future", LogFilter{Until: &future}, []string{ids[1], ids[0]}},
	}
	for _, tc := range cases {
		page, err := tb.svc.ListAllLogs(context.Background(), tc.f, 1, 50)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []string{}
		for _, l := range page.Items {
			got = append(got, l.ID)
		}
		if len(got) != len(tc.want) || page.Total != len(tc.want) {
			t.Errorf("%s: got %v (total %d), want %v", tc.name, got, page.Total, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// Bulk retry: a dry run counts, the real run redelivers every matching
// finished log with its original's webhook-id, and marks each as a
// redelivery of it.
func TestRetryLogsKeepsWebhookID(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n < 3 {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	tb := setup(t, Options{})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL), delivery(rc.URL), delivery(rc.URL))
	for _, id := range ids {
		tb.waitLog(t, "wh1", id, StatusError)
	}
	f := LogFilter{Status: StatusError}
	dry, err := tb.svc.RetryLogs(context.Background(), f, true)
	if err != nil || dry.Matched != 3 || dry.Queued != 0 {
		t.Fatalf("dry run %+v, %v", dry, err)
	}
	if n := tb.count(t, `SELECT COUNT(*) FROM deliveries`); n != 3 {
		t.Fatalf("a dry run queued something: %d rows", n)
	}
	res, err := tb.svc.RetryLogs(context.Background(), f, false)
	if err != nil || res.Matched != 3 || res.Queued != 3 || len(res.IDs) != 3 {
		t.Fatalf("retry %+v, %v", res, err)
	}
	for i, id := range res.IDs {
		d := tb.waitLog(t, "wh1", id, StatusDone)
		if d.MessageID != ids[i] || d.RedeliveryOf != ids[i] {
			t.Errorf("redelivery %s: messageId %q redeliveryOf %q, want %q", id, d.MessageID, d.RedeliveryOf, ids[i])
		}
	}
	sent := map[string]int{}
	for _, r := range rc.requests() {
		sent[r.header.Get("Webhook-Id")]++
	}
	for _, id := range ids {
		if sent[id] != 2 {
			t.Errorf("webhook-id %s sent %d times, want 2 (original and redelivery)", id, sent[id])
		}
	}
	if _, err := tb.svc.RetryLogs(context.Background(), LogFilter{Status: FilterRetrying}, false); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("retrying pending logs: %v", err)
	}
	// Nothing failed is left, so retrying again queues nothing.
	again, err := tb.svc.RetryLogs(context.Background(), LogFilter{Status: StatusError, Since: &time.Time{}, ObjectID: "none"}, false)
	if err != nil || again.Queued != 0 {
		t.Errorf("empty retry %+v, %v", again, err)
	}
}

// A test delivery carries webhook-test: 1, is marked in the log, and a
// redelivery of it stays a test.
func TestTestDelivery(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	tb := setup(t, Options{})
	tb.start(t)
	var id string
	err := tb.db.InTx(context.Background(), func(tx *gorm.DB) error {
		var err error
		id, err = tb.svc.EnqueueTestTx(context.Background(), tx, delivery(rc.URL))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tb.svc.Notify()
	d := tb.waitLog(t, "wh1", id, StatusDone)
	if !d.Test {
		t.Errorf("log not marked as a test: %+v", d.LogSummary)
	}
	if got := rc.requests(); len(got) != 1 || got[0].header.Get("Webhook-Test") != "1" {
		t.Fatalf("test request headers %v", got[0].header)
	}
	re, err := tb.svc.Redeliver(context.Background(), "wh1", id)
	if err != nil || !re.Test || re.RedeliveryOf != id {
		t.Fatalf("redelivery of a test %+v, %v", re, err)
	}
	page, err := tb.svc.ListLogs(context.Background(), "wh1", LogQuery{})
	if err != nil || len(page.Items) != 2 || !page.Items[0].Test || page.Items[0].RedeliveryOf != id {
		t.Errorf("list %+v, %v", page.Items, err)
	}
}
