package reliability

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"hookline/backend/app"
)

// faultReceiver answers by a script over its request count (from 1).
type faultReceiver struct {
	mu    sync.Mutex
	n     int
	paths []string
	at    []time.Time
}

func (f *faultReceiver) hit(r *http.Request) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.paths = append(f.paths, r.URL.Path)
	f.at = append(f.at, time.Now())
	return f.n
}

func (f *faultReceiver) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// reset closes the connection with an RST, before or after writing raw.
func reset(w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if raw != "" {
		buf.WriteString(raw)
		buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close sends RST, not FIN
	}
	conn.Close()
}

// logDetail is the part of a log's detail the fault checks read.
type logDetail struct {
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error"`
	Response *struct {
		Status        int    `json:"status"`
		Body          string `json:"body"`
		BodyTruncated bool   `json:"bodyTruncated"`
	} `json:"response"`
	History []struct {
		N         int       `json:"n"`
		StartedAt time.Time `json:"startedAt"`
		Outcome   string    `json:"outcome"`
		Error     string    `json:"error"`
	} `json:"history"`
}

// deliverOnce creates a webhook to url with tweak applied to its
// definition, creates one object, and waits for the single resulting log to
// finish.
func deliverOnce(t *testing.T, in *inproc, url string, tweak func(map[string]any)) logDetail {
	t.Helper()
	in.a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("faultitem"))
	def := webhookDef("fault", url, []string{"Create"}, nil, "")
	if tweak != nil {
		tweak(def)
	}
	hook := in.a.must(t, 200, "POST", "/api/v1/content/_webhooks", def)["id"].(string)
	in.a.must(t, 200, "POST", "/api/v1/content/faultitem", map[string]any{"title": "one"})
	var id string
	if !waitUntil(20*time.Second, func() bool {
		ls := logs(t, in.a, hook, "")
		if len(ls) == 1 && ls[0]["status"] != "pending" {
			id = ls[0]["id"].(string)
			return true
		}
		return false
	}) {
		t.Fatalf("the log did not finish within 20s: %v", logs(t, in.a, hook, ""))
	}
	code, raw, err := in.a.call("GET", "/api/v1/webhooks/"+hook+"/logs/"+id, nil)
	if err != nil || code != 200 {
		t.Fatalf("log detail: %d %v %s", code, err, raw)
	}
	var d logDetail
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.History) != d.Attempts {
		t.Errorf("history has %d attempts, the log says %d", len(d.History), d.Attempts)
	}
	return d
}

// expectLog checks the documented end state.
func expectLog(t *testing.T, d logDetail, status string, attempts int, errHas ...string) {
	t.Helper()
	if d.Status != status || d.Attempts != attempts {
		t.Errorf("log ended %s after %d attempts, want %s after %d (error %q)", d.Status, d.Attempts, status, attempts, d.Error)
	}
	for _, s := range errHas {
		if !strings.Contains(d.Error, s) {
			t.Errorf("error %q does not say %q", d.Error, s)
		}
	}
	// A done log says nothing, unless its response broke off (errHas).
	if status == "done" && d.Error != "" && len(errHas) == 0 {
		t.Errorf("a done log carries error %q", d.Error)
	}
}

// faultCase is one broken receiver and the end state it must lead to.
type faultCase struct {
	name    string
	adjust  func(*app.Config)
	handler func(f *faultReceiver) http.HandlerFunc
	// url overrides the receiver (connection refused, TLS).
	url   func(t *testing.T) string
	tweak func(map[string]any)
	check func(t *testing.T, d logDetail, f *faultReceiver)
}

// TestReceiverFaults drives one delivery into each kind of broken receiver
// and checks the status it ends in and the attempts it took. Three attempts
// at most (retries after 150ms and 150ms); quick retries inside an attempt
// (connection refused or reset, 502/503/504 without Retry-After) are up to 2
// more requests that the log counts as the same attempt.
func TestReceiverFaults(t *testing.T) {
	t.Parallel()
	slowSchedule := func(c *app.Config) { c.RetryDelays = []time.Duration{300 * time.Millisecond, 3 * time.Second} }
	faults := []faultCase{
		{
			name: "5xx then success",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						w.WriteHeader(500)
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 2)
				if f.count() != 2 || d.History[0].Outcome != "retry" {
					t.Errorf("receiver saw %d requests, first outcome %q; want 2, retry", f.count(), d.History[0].Outcome)
				}
			},
		},
		{
			name: "502 once is a blip ridden out inside one attempt",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						w.WriteHeader(502)
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 1)
				if f.count() != 2 {
					t.Errorf("receiver saw %d requests, want 2", f.count())
				}
			},
		},
		{
			name: "503 always",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { f.hit(r); w.WriteHeader(503) }
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "503")
				if f.count() != 9 {
					t.Errorf("receiver saw %d requests, want 9 (3 attempts of 1+2 quick retries)", f.count())
				}
			},
		},
		{
			name:   "429 with a valid Retry-After is honoured",
			adjust: slowSchedule,
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						w.Header().Set("Retry-After", "1")
						w.WriteHeader(429)
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 2)
				if gap := f.at[1].Sub(f.at[0]); gap < 950*time.Millisecond || gap > 2500*time.Millisecond {
					t.Errorf("second attempt %v after the first, want about 1s (Retry-After: 1)", gap)
				}
			},
		},
		{
			name:   "429 with an invalid Retry-After falls back to the schedule",
			adjust: slowSchedule,
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						w.Header().Set("Retry-After", "soon, maybe")
						w.WriteHeader(429)
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 2)
				if gap := f.at[1].Sub(f.at[0]); gap < 230*time.Millisecond || gap > 900*time.Millisecond {
					t.Errorf("second attempt %v after the first, want 300ms±20%% from the schedule", gap)
				}
			},
		},
		{
			name: "slow receiver past the 1s per-attempt timeout",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					f.hit(r)
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "Request failed", "no response within 1s")
				if f.count() != 3 {
					t.Errorf("receiver saw %d requests, want 3 (timeouts are not quick-retried)", f.count())
				}
			},
		},
		{
			name: "connection refused",
			url: func(t *testing.T) string {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := ln.Addr().String()
				ln.Close()
				return "http://" + addr + "/hook"
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "Request failed", "connection refused")
			},
		},
		{
			name: "connection reset before any answer, every time",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { f.hit(r); reset(w, "") }
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "Request failed")
				if f.count() != 9 {
					t.Errorf("receiver saw %d requests, want 9 (3 attempts of 1+2 quick retries)", f.count())
				}
			},
		},
		{
			name: "connection reset once is ridden out inside one attempt",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						reset(w, "")
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 1)
				if f.count() != 2 {
					t.Errorf("receiver saw %d requests, want 2", f.count())
				}
			},
		},
		{
			name: "connection reset mid-response after a 200 status",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					f.hit(r)
					reset(w, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				// The receiver has the message: done, not sent again, and
				// the log says the answer broke off.
				expectLog(t, d, "done", 1, "Response body incomplete: ")
				if f.count() != 1 {
					t.Errorf("receiver saw %d requests, want 1", f.count())
				}
			},
		},
		{
			name: "connection reset mid-response after a 500 status, then success",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if f.hit(r) == 1 {
						reset(w, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000\r\n\r\npartial")
						return
					}
					w.WriteHeader(200)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 2)
				if !strings.Contains(d.History[0].Error, "500") || !strings.Contains(d.History[0].Error, "incomplete") {
					t.Errorf("first attempt's error %q should name the 500 and the broken body", d.History[0].Error)
				}
			},
		},
		{
			name: "response body over 64 KiB is truncated in the log",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					f.hit(r)
					w.WriteHeader(200)
					w.Write(bytes.Repeat([]byte("x"), 100<<10))
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "done", 1)
				if d.Response == nil || !d.Response.BodyTruncated || len(d.Response.Body) != 64<<10 {
					t.Errorf("response %+v: want a 64 KiB body marked truncated", d.Response != nil && d.Response.BodyTruncated)
				}
			},
		},
		{
			name: "3xx is not followed and fails",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					f.hit(r)
					if r.URL.Path == "/elsewhere" {
						w.WriteHeader(200)
						return
					}
					http.Redirect(w, r, "/elsewhere", http.StatusFound)
				}
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "302", "redirects are not followed", "/elsewhere")
				for _, p := range f.paths {
					if p == "/elsewhere" {
						t.Errorf("the redirect was followed")
					}
				}
			},
		},
		{
			name: "410 stops at once",
			handler: func(f *faultReceiver) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { f.hit(r); w.WriteHeader(410) }
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 1, "410", "no more deliveries")
				if f.count() != 1 {
					t.Errorf("receiver saw %d requests, want 1", f.count())
				}
			},
		},
		{
			name: "https with a self-signed certificate",
			url: func(t *testing.T) string {
				srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					t.Errorf("a request got through an untrusted certificate")
				}))
				srv.Config.ErrorLog = discardLog
				t.Cleanup(srv.Close)
				return srv.URL + "/hook"
			},
			check: func(t *testing.T, d logDetail, f *faultReceiver) {
				expectLog(t, d, "error", 3, "Request failed", "certificate")
			},
		},
		trustedSelfSigned(),
	}
	for _, fc := range faults {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			in := startApp(t, fc.adjust)
			f := &faultReceiver{}
			var url string
			if fc.url != nil {
				url = fc.url(t)
			} else {
				srv := httptest.NewServer(fc.handler(f))
				srv.Config.ErrorLog = discardLog
				t.Cleanup(srv.Close)
				url = srv.URL + "/hook"
			}
			d := deliverOnce(t, in, url, fc.tweak)
			fc.check(t, d, f)
		})
	}
	t.Logf("faults summary: %d receiver faults tried", len(faults))
}

// trustedSelfSigned is the same receiver, but the webhook trusts its
// certificate (tls_ca_pem): the delivery goes through on the first attempt.
func trustedSelfSigned() faultCase {
	var caPEM string
	return faultCase{
		name: "https with a self-signed certificate the webhook trusts",
		url: func(t *testing.T) string {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			srv.Config.ErrorLog = discardLog
			t.Cleanup(srv.Close)
			caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
			return srv.URL + "/hook"
		},
		tweak: func(m map[string]any) { m["tls_ca_pem"] = caPEM },
		check: func(t *testing.T, d logDetail, f *faultReceiver) {
			expectLog(t, d, "done", 1)
		},
	}
}
