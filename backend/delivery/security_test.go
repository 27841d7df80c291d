package delivery

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestResponseHeadersCapped: a receiver answering with hundreds of headers
// gets the first 64 (at most 16 KiB) kept, and the detail says truncated;
// one answering with more than the sender reads is a failed attempt with a
// clear error, not megabytes in the database.
func TestResponseHeadersCapped(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/huge" {
			w.Header().Set("X-Huge", strings.Repeat("h", MaxReadResponseHeaderBytes+1024))
		}
		for i := range 500 {
			w.Header().Set(fmt.Sprintf("X-Pad-%03d", i), strings.Repeat("v", 100))
		}
		w.WriteHeader(200)
	})
	tb := setup(t, Options{})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL+"/many"))
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)
	size := 0
	for _, h := range log.Response.Headers {
		size += len(h.Name) + len(h.Value)
	}
	if len(log.Response.Headers) > MaxResponseHeaders || size > MaxResponseHeaderBytes || !log.Response.HeadersTruncated {
		t.Errorf("kept %d headers, %d bytes, truncated %v; want at most %d and %d, truncated", len(log.Response.Headers), size, log.Response.HeadersTruncated, MaxResponseHeaders, MaxResponseHeaderBytes)
	}
	if len(log.Response.Headers) < 10 {
		t.Errorf("kept only %d headers", len(log.Response.Headers))
	}
	var stored int
	tb.db.R.Raw(`SELECT length(history) FROM deliveries WHERE id = ?`, ids[0]).Scan(&stored)
	if stored == 0 || stored > 32<<10 {
		t.Errorf("the stored attempt is %d bytes", stored)
	}

	ids = tb.enqueue(t, delivery(rc.URL+"/huge"))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if log, _ = tb.svc.GetLog(context.Background(), "wh1", ids[0]); log.Attempts > 0 {
			break
		}
	}
	if log.Attempts < 1 || !strings.Contains(log.Error, "exceeded") {
		t.Errorf("huge headers: attempts %d, error %q, want a failure saying the headers exceeded the limit", log.Attempts, log.Error)
	}
}

// TestIncomplete2xxBodyIsNoted: a 2xx whose body breaks off is done (the
// receiver has the message) but says the body was incomplete.
func TestIncomplete2xxBodyIsNoted(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
		buf.Flush()
		conn.Close()
	})
	tb := setup(t, Options{})
	tb.start(t)
	ids := tb.enqueue(t, delivery(rc.URL))
	log := tb.waitLog(t, "wh1", ids[0], StatusDone)
	if !strings.Contains(strings.ToLower(log.Error), "response body incomplete: ") {
		t.Errorf("error %q, want it to say the response body was incomplete", log.Error)
	}
	if len(log.History) != 1 || !strings.Contains(strings.ToLower(log.History[0].Error), "response body incomplete") {
		t.Errorf("history %+v", log.History)
	}
}
