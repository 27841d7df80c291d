package api_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hookline/backend/api"
	"hookline/backend/auth"
	"hookline/backend/events"
	"hookline/backend/inbox"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// limitsServer is a real server on a loopback port with the given limits.
func limitsServer(t *testing.T, limits api.Limits) (url string, keys *auth.Keys) {
	t.Helper()
	srv, db, keys := newLimitsServer(t, limits)
	serveForTest(t, srv, db)
	return "http://" + srv.Addr(), keys
}

// newLimitsServer is limitsServer's server, not yet listening.
func newLimitsServer(t *testing.T, limits api.Limits) (*api.Server, *store.DB, *auth.Keys) {
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
	svc := inbox.New(db, inbox.Options{Bus: bus})
	return api.New(api.Options{DB: db, Keys: keys, Bus: bus, Inbox: svc, Limits: limits}), db, keys
}

func mustDo(t *testing.T, req *http.Request, timeout time.Duration) (*http.Response, string) {
	t.Helper()
	res, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func createInbox(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/v1/inboxes", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-AUTH-TOKEN", inboxTestKey)
	if res, raw := mustDo(t, req, 5*time.Second); res.StatusCode != 201 {
		t.Fatalf("create inbox: %d %s", res.StatusCode, raw)
	}
}

func countRequests(t *testing.T, url, name string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1/inboxes/"+name+"/requests", nil)
	req.Header.Set("X-AUTH-TOKEN", inboxTestKey)
	_, raw := mustDo(t, req, 5*time.Second)
	i := strings.Index(raw, `"total_count":`)
	if i < 0 {
		t.Fatalf("list: %s", raw)
	}
	return strings.SplitN(raw[i+len(`"total_count":`):], ",", 2)[0]
}

// TestInboxRefusesCrossSiteBrowserRequests: what a browser sends on behalf
// of another page (an <img>, a form) is refused and not recorded; curl, a
// server, or the user's own navigation are recorded.
func TestInboxRefusesCrossSiteBrowserRequests(t *testing.T) {
	t.Parallel()
	url, _ := limitsServer(t, api.Limits{})
	createInbox(t, url, `{"name":"demo"}`)
	for _, tt := range []struct {
		site string
		want int
	}{{"cross-site", 403}, {"same-site", 403}, {"same-origin", 200}, {"none", 200}, {"", 200}} {
		req, _ := http.NewRequest("GET", url+"/inbox/demo?x="+strings.Repeat("a", 1000), nil)
		if tt.site != "" {
			req.Header.Set("Sec-Fetch-Site", tt.site)
			req.Header.Set("Sec-Fetch-Mode", "no-cors")
			req.Header.Set("Sec-Fetch-Dest", "image")
		}
		res, raw := mustDo(t, req, 5*time.Second)
		if res.StatusCode != tt.want || (tt.want == 403 && !strings.Contains(raw, "another site")) {
			t.Errorf("Sec-Fetch-Site %q: %d %s, want %d", tt.site, res.StatusCode, raw, tt.want)
		}
	}
	if n := countRequests(t, url, "demo"); n != "3" {
		t.Errorf("recorded %s requests, want 3", n)
	}
}

// TestRequestHeaderBytesCapped: a query string or headers over 64 KiB are
// answered 431 by net/http and never reach the inbox.
func TestRequestHeaderBytesCapped(t *testing.T) {
	t.Parallel()
	url, _ := limitsServer(t, api.Limits{})
	createInbox(t, url, `{"name":"demo"}`)
	big := strings.Repeat("a", api.DefaultMaxHeaderBytes+8<<10)
	req, _ := http.NewRequest("GET", url+"/inbox/demo?q="+big, nil)
	if res, _ := mustDo(t, req, 5*time.Second); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge query: %d", res.StatusCode)
	}
	req, _ = http.NewRequest("GET", url+"/inbox/demo", nil)
	req.Header.Set("X-Big", big)
	if res, _ := mustDo(t, req, 5*time.Second); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge header: %d", res.StatusCode)
	}
	if n := countRequests(t, url, "demo"); n != "0" {
		t.Errorf("recorded %s requests, want 0", n)
	}
}

// TestSlowBodyIsTimedOut: a client that sends headers and then dribbles
// (or never sends) its body loses the connection after ReadTimeout.
func TestSlowBodyIsTimedOut(t *testing.T) {
	t.Parallel()
	url, _ := limitsServer(t, api.Limits{ReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /inbox/nobox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn) // the server answers (or not) and must close
	if err != nil {
		t.Fatalf("the server kept the slow connection open for %v: %v", time.Since(start), err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closed after %v", d)
	}
}

// TestLongDelaysOutlastReadTimeout: an inbox's scripted delay and the event
// stream are not cut by ReadTimeout, which is about reading the request.
func TestLongDelaysOutlastReadTimeout(t *testing.T) {
	t.Parallel()
	url, keys := limitsServer(t, api.Limits{ReadTimeout: 200 * time.Millisecond})
	createInbox(t, url, `{"name":"slow","delayMs":1200,"body":"late"}`)

	req, _ := http.NewRequest("GET", url+"/api/ui/events", nil)
	req.Header.Set("X-Hookline-Session", keys.Session())
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	start := time.Now()
	req, _ = http.NewRequest("POST", url+"/inbox/slow", strings.NewReader(`{"a":1}`))
	res, body := mustDo(t, req, 10*time.Second)
	if res.StatusCode != 200 || body != "late" || time.Since(start) < 1200*time.Millisecond {
		t.Fatalf("delayed answer: %d %q after %v", res.StatusCode, body, time.Since(start))
	}
	// The stream outlived ReadTimeout several times over and still delivers.
	createInbox(t, url, `{"name":"later"}`)
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if strings.Contains(l, `"later"`) {
				return
			}
		case <-timeout:
			t.Fatal("no event for the inbox created after the delay")
		}
	}
}

// TestConnectionsCappedPerListener: past MaxConns, new connections wait
// until one is released.
func TestConnectionsCappedPerListener(t *testing.T) {
	t.Parallel()
	url, _ := limitsServer(t, api.Limits{MaxConns: 3})
	var idle []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := (&http.Client{Timeout: 500 * time.Millisecond}).Get(url + "/api/health"); err == nil {
		t.Fatal("a fourth connection was served while three were held")
	}
	idle[0].Close()
	idle[1].Close()
	res, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "/api/health")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after releasing connections: %v", err)
	}
	res.Body.Close()
}

// A connection that never sent a byte (an HTTP client's spare pooled
// connection, or a port probe) must not hold up a graceful stop: Go's
// Shutdown counts it busy for 5 s, more than the app's whole drain budget.
// A request in flight still gets its answer (an inbox delay ends in 503).
func TestShutdownNotHeldByConnectionsThatSentNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, db, _ := newLimitsServer(t, api.Limits{})
	t.Cleanup(func() { db.Close() })
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + srv.Addr()
	createInbox(t, url, `{"name":"slow","delayMs":60000}`)
	for range 3 {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	slow := make(chan int, 1)
	go func() {
		res, err := http.Post(url+"/inbox/slow", "text/plain", strings.NewReader("hi"))
		if err != nil {
			slow <- 0
			return
		}
		res.Body.Close()
		slow <- res.StatusCode
	}()
	time.Sleep(200 * time.Millisecond) // the slow request is in its delay
	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown with three silent connections: %v after %v", err, time.Since(start))
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("shutdown took %v: the silent connections held it", d)
	}
	if code := <-slow; code != 503 {
		t.Fatalf("the request in flight at shutdown ended with %d, want its 503 answer", code)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
