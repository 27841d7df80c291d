package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/events"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
	"hookline/backend/webhook/signature"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// gorm's prepared-statement cache starts a sweeper per database that
		// it never stops (documented in gorm/internal/lru); not ours to fix.
		goleak.IgnoreTopFunction("gorm.io/gorm/internal/lru.NewLRU[...].func1"))
}

// received is one request as the test receiver saw it.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a loopback webhook endpoint whose answers a test scripts.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	hits chan struct{}
	// respond answers the nth request (0-based); nil answers 200.
	respond func(n int, w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{respond: respond, hits: make(chan struct{}, 10000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body})
		rc.mu.Unlock()
		rc.hits <- struct{}{}
		if rc.respond != nil {
			rc.respond(n, w, r)
			return
		}
		w.Write([]byte(`{"message":"Hook received!"}`))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// testBundle is what a test drives: the service and its collaborators.
type testBundle struct {
	svc *Service
	db  *store.DB
	bus *events.Bus
}

// setup opens a fresh database and a service with fast test defaults: tiny
// retry delays and no quick retries, so attempt counts are exact. It does not
// start the pool.
func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Options(t, filepath.Join(t.TempDir(), "hookline.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if opts.RetryDelays == nil && opts.Retry == nil {
		opts.RetryDelays = []time.Duration{10 * time.Millisecond, 10 * time.Millisecond}
	}
	if opts.QuickRetries == 0 {
		opts.QuickRetries = -1
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Hookline/test"
	}
	bus := opts.Bus
	if bus == nil {
		bus = events.NewBus()
		opts.Bus = bus
	}
	return &testBundle{svc: New(db, opts), db: db, bus: bus}
}

func (tb *testBundle) start(t *testing.T) {
	t.Helper()
	if err := tb.svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tb.svc.Stop(ctx)
	})
}

func delivery(url string) NewDelivery {
	return NewDelivery{WebhookID: "wh1", Action: "Create", ContentType: "product", ObjectID: "product-1",
		URL: url, Body: []byte(`{"webhookId":"wh1","action":"Create"}`)}
}

func (tb *testBundle) enqueue(t *testing.T, ds ...NewDelivery) []string {
	t.Helper()
	var ids []string
	err := tb.db.InTx(context.Background(), func(tx *gorm.DB) error {
		var err error
		ids, err = tb.svc.EnqueueTx(context.Background(), tx, ds)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tb.svc.Notify()
	return ids
}

// waitLog waits until log id of wh1 has status, and returns it.
func (tb *testBundle) waitLog(t *testing.T, webhookID, id, status string) LogDetail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := tb.svc.GetLog(context.Background(), webhookID, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == status {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("log %s is %s after 10s (attempts %d, error %q), want %s", id, d.Status, d.Attempts, d.Error, status)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func header(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

func TestRolledBackEnqueueSendsNothing(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	tb := setup(t, Options{})
	tb.start(t)

	errRollback := errors.New("the change failed")
	err := tb.db.InTx(context.Background(), func(tx *gorm.DB) error {
		if _, err := tb.svc.EnqueueTx(context.Background(), tx, []NewDelivery{delivery(rc.URL + "/rolled-back")}); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	tb.svc.Notify()
	ids := tb.enqueue(t, delivery(rc.URL+"/committed"))
	tb.waitLog(t, "wh1", ids[0], StatusDone)

	got := rc.requests()
	if len(got) != 1 || got[0].header.Get("Webhook-Id") != ids[0] {
		t.Fatalf("receiver got %d requests, want only the committed one", len(got))
	}
	page, _ := tb.svc.ListLogs(context.Background(), "wh1", LogQuery{})
	if page.Total != 1 {
		t.Errorf("%d logs, want 1: the rolled-back delivery must leave no log", page.Total)
	}
}

func TestPendingToDone(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	tb := setup(t, Options{})
	sub, cancel := tb.bus.Subscribe(100)
	defer cancel()
	tb.start(t)

	d := delivery(rc.URL + "/notify")
	d.Headers = []Header{{Name: "AUTH", Value: "secret_token"}}
	ids := tb.enqueue(t, d)
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)

	if log.Attempts != 1 || log.ResponseCode != 200 || log.Error != "" || log.NextAttemptAt != nil {
		t.Errorf("summary %+v", log.LogSummary)
	}
	if log.Request.Method != "POST" || log.Request.URL != rc.URL+"/notify" || log.Request.Body != string(d.Body) {
		t.Errorf("request %+v", log.Request)
	}
	for name, want := range map[string]string{
		"Content-Type": "application/json", "User-Agent": "Hookline/test", "Auth": "secret_token", "Webhook-Id": ids[0],
	} {
		if got := header(log.Request.Headers, name); got != want {
			t.Errorf("logged request header %s = %q, want %q", name, got, want)
		}
	}
	if header(log.Request.Headers, "Webhook-Signature") != "" {
		t.Error("signed without a secret")
	}
	if log.Response == nil || log.Response.Status != 200 || log.Response.Body != `{"message":"Hook received!"}` ||
		header(log.Response.Headers, "Content-Length") == "" {
		t.Errorf("response %+v", log.Response)
	}
	if len(log.History) != 1 || log.History[0].Outcome != "done" {
		t.Errorf("history %+v", log.History)
	}

	req := rc.requests()[0]
	if req.header.Get("Auth") != "secret_token" || req.header.Get("Content-Type") != "application/json" ||
		req.header.Get("User-Agent") != "Hookline/test" || string(req.body) != string(d.Body) {
		t.Errorf("receiver saw %v %s", req.header, req.body)
	}
	ts := req.header.Get("Webhook-Timestamp")
	if ts == "" || header(log.Request.Headers, "Webhook-Timestamp") != ts {
		t.Errorf("webhook-timestamp %q, logged %q", ts, header(log.Request.Headers, "Webhook-Timestamp"))
	}

	// The bus saw the log appear as pending, then turn done.
	var statuses []string
	timeout := time.After(5 * time.Second)
	for len(statuses) < 2 {
		select {
		case e := <-sub:
			if s, ok := e.Data.(LogSummary); ok && s.ID == ids[0] {
				statuses = append(statuses, s.Status)
			}
		case <-timeout:
			t.Fatalf("events %v, want pending then done", statuses)
		}
	}
	if statuses[0] != StatusPending || statuses[1] != StatusDone {
		t.Errorf("events %v, want [pending done]", statuses)
	}
}

func TestServerErrorThenSuccessKeepsWebhookID(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	tb := setup(t, Options{})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)

	if log.Attempts != 2 || len(log.History) != 2 || log.ResponseCode != 204 || log.Error != "" {
		t.Fatalf("log %+v, history %+v", log.LogSummary, log.History)
	}
	first := log.History[0]
	if first.Outcome != "retry" || first.Response == nil || first.Response.Status != 500 ||
		first.Error != "HTTP 500 Internal Server Error" || first.NextAttemptAt == nil {
		t.Errorf("first attempt %+v", first)
	}
	got := rc.requests()
	if len(got) != 2 || got[0].header.Get("Webhook-Id") != ids[0] || got[1].header.Get("Webhook-Id") != ids[0] {
		t.Errorf("webhook-id must be the delivery id on every attempt: %v, %v", got[0].header, got[1].header)
	}

	// A redelivery is a new log that sends the same webhook-id.
	sum, err := tb.svc.Redeliver(context.Background(), "wh1", ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if sum.ID == ids[0] || sum.Status != StatusPending {
		t.Errorf("redelivery summary %+v", sum)
	}
	re := tb.waitLog(t, "wh1", sum.ID, StatusDone)
	if re.MessageID != ids[0] || re.RedeliveryOf != ids[0] {
		t.Errorf("redelivery messageId %q redeliveryOf %q, want %q", re.MessageID, re.RedeliveryOf, ids[0])
	}
	if got := rc.requests(); len(got) != 3 || got[2].header.Get("Webhook-Id") != ids[0] || string(got[2].body) != string(got[0].body) {
		t.Errorf("redelivery must resend the same payload with the same webhook-id")
	}
	if _, err := tb.svc.Redeliver(context.Background(), "other", ids[0]); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("redeliver through another webhook: %v", err)
	}
}

func TestRedeliverToCurrentTarget(t *testing.T) {
	t.Parallel()
	old := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	fixed := newReceiver(t, nil)
	tb := setup(t, Options{Retry: giveUp{}})
	tb.start(t)
	ids := tb.enqueue(t, delivery(old.URL))
	tb.waitLog(t, "wh1", ids[0], StatusError)
	sum, err := tb.svc.RedeliverTo(context.Background(), "wh1", ids[0], Target{URL: fixed.URL + "/new",
		Headers: []Header{{Name: "X-New", Value: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	tb.waitLog(t, "wh1", sum.ID, StatusDone)
	if got := fixed.requests(); len(got) != 1 || got[0].header.Get("X-New") != "1" || got[0].header.Get("Webhook-Id") != ids[0] {
		t.Errorf("redelivery to the fixed URL: %+v", got)
	}
}

// giveUp is a RetryPolicy that never retries.
type giveUp struct{}

func (giveUp) NextAttempt(int, time.Time, time.Duration) (time.Time, bool) { return time.Time{}, false }

func TestOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		respond   func(n int, w http.ResponseWriter, r *http.Request)
		status    string
		attempts  int
		requests  int
		code      int
		errSubstr string
	}{
		{"410 stops at once", func(n int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) },
			StatusError, 1, 1, 410, "HTTP 410 Gone"},
		{"3xx is a failure, not followed", func(n int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, StatusError, 3, 3, 302, "HTTP 302 Found: redirects are not followed (Location: /elsewhere)"},
		{"4xx retried until the schedule runs out", func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
		}, StatusError, 3, 3, 404, "HTTP 404 Not Found"},
		{"5xx retried then done", func(n int, w http.ResponseWriter, r *http.Request) {
			if n < 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		}, StatusDone, 3, 3, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, tt.respond)
			tb := setup(t, Options{})
			tb.start(t)
			ids := tb.enqueue(t, delivery(rc.URL))
			log := tb.waitLog(t, "wh1", ids[0], tt.status)
			if log.Attempts != tt.attempts || log.ResponseCode != tt.code || !strings.Contains(log.Error, tt.errSubstr) ||
				(tt.errSubstr == "" && log.Error != "") {
				t.Errorf("log %+v", log.LogSummary)
			}
			if n := len(rc.requests()); n != tt.requests {
				t.Errorf("receiver got %d requests, want %d", n, tt.requests)
			}
			last := log.History[len(log.History)-1]
			if last.Outcome != tt.status {
				t.Errorf("last attempt outcome %q, want %q", last.Outcome, tt.status)
			}
		})
	}
}

func TestTimeoutIsRequestFailed(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	tb := setup(t, Options{Timeout: 100 * time.Millisecond, Retry: giveUp{}})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	log := tb.waitLog(t, "wh1", ids[0], StatusError)
	if log.Error != "Request failed: no response within 100ms" || log.ResponseCode != 0 || log.Response != nil {
		t.Errorf("log %+v", log.LogSummary)
	}
	if d := log.History[0].DurationMs; d < 100 || d > 2000 {
		t.Errorf("attempt took %dms, want about 100ms", d)
	}
}

func TestConnectionRefusedIsRequestFailed(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/hook"
	ln.Close() // nothing listens there now

	tb := setup(t, Options{RetryDelays: []time.Duration{10 * time.Millisecond}, QuickRetries: 2})
	tb.start(t)
	ids := tb.enqueue(t, delivery(url))
	log := tb.waitLog(t, "wh1", ids[0], StatusError)
	if !strings.HasPrefix(log.Error, "Request failed: ") || !strings.Contains(log.Error, "connection refused") {
		t.Errorf("error %q, want Request failed with the detail", log.Error)
	}
	if log.Attempts != 2 || log.History[0].Outcome != "retry" {
		t.Errorf("attempts %d, history %+v", log.Attempts, log.History)
	}
}

func TestQuickRetryRidesOutABlip(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	tb := setup(t, Options{QuickRetries: 2, Retry: giveUp{}})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)
	if log.Attempts != 1 || len(rc.requests()) != 2 {
		t.Errorf("attempts %d, requests %d: a 502 blip should be retried inside one attempt", log.Attempts, len(rc.requests()))
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter func() string
		want       time.Duration
		slack      time.Duration
	}{
		{"seconds", func() string { return "3" }, 3 * time.Second, 300 * time.Millisecond},
		{"http date", func() string { return time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat) }, 5 * time.Second, 1100 * time.Millisecond},
		{"capped at the largest step", func() string { return "86400" }, 20 * time.Second, 300 * time.Millisecond},
		{"invalid uses the schedule", func() string { return "soon" }, 10 * time.Second, 2*time.Second + 300*time.Millisecond},
		{"negative uses the schedule", func() string { return "-5" }, 10 * time.Second, 2*time.Second + 300*time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tt.retryAfter())
				w.WriteHeader(http.StatusTooManyRequests)
			})
			tb := setup(t, Options{RetryDelays: []time.Duration{10 * time.Second, 20 * time.Second}})
			tb.start(t)
			ids := tb.enqueue(t, delivery(rc.URL))
			<-rc.hits
			var log LogDetail
			for deadline := time.Now().Add(5 * time.Second); log.Attempts == 0 && time.Now().Before(deadline); {
				time.Sleep(2 * time.Millisecond)
				log, _ = tb.svc.GetLog(context.Background(), "wh1", ids[0])
			}
			if log.Status != StatusPending || log.NextAttemptAt == nil || len(log.History) != 1 {
				t.Fatalf("log %+v", log.LogSummary)
			}
			a := log.History[0]
			finished := a.StartedAt.Add(time.Duration(a.DurationMs) * time.Millisecond)
			got := log.NextAttemptAt.Sub(finished)
			if got < tt.want-tt.slack || got > tt.want+tt.slack {
				t.Errorf("next attempt %v after the failure, want %v ± %v", got, tt.want, tt.slack)
			}
		})
	}
}

func TestResponseBodyCapped(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", MaxResponseBody+5000)
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) })
	tb := setup(t, Options{})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)
	if log.Response == nil || len(log.Response.Body) != MaxResponseBody || !log.Response.BodyTruncated {
		t.Errorf("response body %d bytes, truncated %v", len(log.Response.Body), log.Response.BodyTruncated)
	}
}

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestSignatureVerifiesAndSecretNeverLogged(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	tb := setup(t, Options{})
	sub, cancel := tb.bus.Subscribe(100)
	defer cancel()
	tb.start(t)
	d := delivery(rc.URL)
	d.Secret = testSecret
	ids := tb.enqueue(t, d)
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)

	for i, req := range rc.requests() {
		ts := req.header.Get("Webhook-Timestamp")
		var tsn int64
		if err := json.Unmarshal([]byte(ts), &tsn); err != nil {
			t.Fatal(err)
		}
		if err := signature.Verify(testSecret, req.header.Get("Webhook-Id"), tsn, req.body, req.header.Get("Webhook-Signature")); err != nil {
			t.Errorf("request %d: signature does not verify: %v", i, err)
		}
	}
	if header(log.Request.Headers, "Webhook-Signature") == "" {
		t.Error("the logged request should show the signature header")
	}

	// The secret, or its key part, must appear in no log, attempt, API
	// answer or event.
	var dump []string
	// Everything stored about attempts: the history column.
	var histories []string
	if err := tb.db.R.Raw(`SELECT history FROM deliveries`).Scan(&histories).Error; err != nil {
		t.Fatal(err)
	}
	var attempts []json.RawMessage
	for _, r := range histories {
		var h []json.RawMessage
		if err := json.Unmarshal([]byte(r), &h); err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, h...)
	}
	for _, a := range attempts {
		dump = append(dump, string(a))
	}
	page, _ := tb.svc.ListLogs(context.Background(), "wh1", LogQuery{})
	last, _ := tb.svc.LastStatus(context.Background(), []string{"wh1"})
	for _, v := range []any{log, page, last} {
		b, _ := json.Marshal(v)
		dump = append(dump, string(b))
	}
	for len(sub) > 0 {
		b, _ := json.Marshal(<-sub)
		dump = append(dump, string(b))
	}
	if len(attempts) != 2 || len(dump) < 5 {
		t.Fatalf("dumped too little to mean anything: %d attempts, %d items", len(attempts), len(dump))
	}
	for _, s := range dump {
		if strings.Contains(s, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") || strings.Contains(s, "whsec_") {
			t.Errorf("secret leaked: %s", s)
		}
	}
}

func TestListLogsAndLastStatus(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusGone)
		}
	})
	tb := setup(t, Options{})
	tb.start(t)
	var ids []string
	for i := range 5 {
		url := rc.URL + "/ok"
		if i%2 == 1 {
			url = rc.URL + "/bad"
		}
		ids = append(ids, tb.enqueue(t, delivery(url))[0])
		tb.waitLog(t, "wh1", ids[i], map[bool]string{true: StatusError, false: StatusDone}[i%2 == 1])
	}
	ctx := context.Background()

	page, err := tb.svc.ListLogs(ctx, "wh1", LogQuery{Page: 1, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 5 || len(page.Items) != 2 || page.Items[0].ID != ids[4] || page.Items[1].ID != ids[3] {
		t.Errorf("page 1: %+v", page)
	}
	page, _ = tb.svc.ListLogs(ctx, "wh1", LogQuery{Page: 3, Limit: 2})
	if len(page.Items) != 1 || page.Items[0].ID != ids[0] {
		t.Errorf("page 3: %+v", page)
	}
	page, _ = tb.svc.ListLogs(ctx, "wh1", LogQuery{Status: StatusError})
	if page.Total != 2 || page.Items[0].ID != ids[3] || page.Items[0].ResponseCode != 410 {
		t.Errorf("errors only: %+v", page)
	}
	page, _ = tb.svc.ListLogs(ctx, "wh1", LogQuery{Status: StatusPending})
	if page.Total != 0 || page.Items == nil {
		t.Errorf("pending: %+v (items must be [], not null)", page)
	}
	if _, err := tb.svc.ListLogs(ctx, "wh1", LogQuery{Status: "failed"}); errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)["status"] == nil {
		t.Errorf("bad status filter: %v", err)
	}
	if _, err := tb.svc.ListLogs(ctx, "wh1", LogQuery{Limit: 5000}); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("limit 5000: %v", err)
	}
	if _, err := tb.svc.GetLog(ctx, "wh1", "msg_nope"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("unknown log: %v", err)
	}
	if _, err := tb.svc.GetLog(ctx, "wh2", ids[0]); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("log of another webhook: %v", err)
	}

	last, err := tb.svc.LastStatus(ctx, []string{"wh1", "none"})
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 1 || last["wh1"].ID != ids[4] || last["wh1"].Status != StatusDone {
		t.Errorf("last status %+v", last)
	}
}

func TestEnqueueRefusesIncompleteDelivery(t *testing.T) {
	t.Parallel()
	tb := setup(t, Options{})
	for _, d := range []NewDelivery{{URL: "http://x", Body: []byte("{}")}, {WebhookID: "w", Body: []byte("{}")}, {WebhookID: "w", URL: "http://x"}} {
		err := tb.db.InTx(context.Background(), func(tx *gorm.DB) error {
			_, err := tb.svc.EnqueueTx(context.Background(), tx, []NewDelivery{d})
			return err
		})
		if err == nil {
			t.Errorf("EnqueueTx(%+v) = nil error", d)
		}
	}
}

func TestStartTwiceAndStopWhenStopped(t *testing.T) {
	t.Parallel()
	tb := setup(t, Options{})
	if err := tb.svc.Stop(context.Background()); err != nil {
		t.Errorf("Stop before Start: %v", err)
	}
	tb.start(t)
	if err := tb.svc.Start(context.Background()); err == nil {
		t.Error("second Start should fail")
	}
}
