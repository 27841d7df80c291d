package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHostAllowListHoldsInEveryMode: a rebinding name is refused on every
// route even when other names are allowed (--allow-remote used to switch the
// check off); configured names, the listen address and loopback pass.
func TestHostAllowListHoldsInEveryMode(t *testing.T) {
	t.Parallel()
	s, _ := uiServer(t, "hookline.lan", "192.0.2.7")
	s.hosts.add("198.51.100.3:8717") // as Listen adds its address
	for _, tt := range []struct {
		host string
		want int
	}{
		{"rebind.attacker.example:8717", 403},
		{"rebind.attacker.example", 403},
		{"hookline.lan.attacker.example", 403},
		{"0.0.0.0:8717", 403},
		{"hookline.lan:8717", 200},
		{"HOOKLINE.LAN", 200},
		{"192.0.2.7:8717", 200},
		{"198.51.100.3:8717", 200},
		{"127.0.0.1:8717", 200},
		{"localhost:8717", 200},
		{"[::1]:8717", 200},
	} {
		for _, path := range []string{"/api/health", "/", "/inbox/x"} {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8717"+path, nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			refused := rec.Code == 403 && strings.Contains(rec.Body.String(), "is not allowed")
			if (tt.want == 403) != refused {
				t.Errorf("Host %s on %s: %d %.100s, want refused = %v", tt.host, path, rec.Code, rec.Body.String(), tt.want == 403)
			}
		}
	}
}

// TestSessionTokenNeedsLoopbackPeerAndHost: the page carries the session
// token, and the token is accepted, only when both the peer and the Host
// are loopback. A page reached through an allowed LAN name gets neither.
func TestSessionTokenNeedsLoopbackPeerAndHost(t *testing.T) {
	t.Parallel()
	s, keys := uiServer(t, "hookline.lan")
	for _, tt := range []struct {
		remote, host string
		want         bool
	}{
		{"127.0.0.1:5555", "127.0.0.1:8717", true},
		{"127.0.0.1:5555", "localhost:8717", true},
		{"127.0.0.1:5555", "hookline.lan:8717", false},
		{"192.0.2.10:5555", "127.0.0.1:8717", false},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr, req.Host = tt.remote, tt.host
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if got := strings.Contains(rec.Body.String(), keys.Session()); rec.Code != 200 || got != tt.want {
			t.Errorf("page from %s for %s: %d, token = %v, want %v", tt.remote, tt.host, rec.Code, got, tt.want)
		}
		req = httptest.NewRequest(http.MethodGet, "/api/ui/keys", nil)
		req.RemoteAddr, req.Host = tt.remote, tt.host
		req.Header.Set("X-Hookline-Session", keys.Session())
		rec = httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if got := rec.Code == 200; got != tt.want {
			t.Errorf("session from %s for %s: %d %.100s, want accepted = %v", tt.remote, tt.host, rec.Code, rec.Body.String(), tt.want)
		}
		if tt.want == false && strings.Contains(rec.Body.String(), keys.Current().ReadWrite) {
			t.Errorf("the read-write key leaked to %s for %s", tt.remote, tt.host)
		}
	}
}

// TestUIPageCSP: the UI page allows script only from its own files and
// cannot be framed.
func TestUIPageCSP(t *testing.T) {
	t.Parallel()
	s, _ := uiServer(t)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8717/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options = %q", rec.Header().Get("X-Frame-Options"))
	}
}
