package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"hookline/backend/inbox"
)

// TestInboxRefusesNonLetterMethods: a method that is not letters (Go's
// server accepts any RFC 9110 token, ' and | included) gets a 400 JSON
// error and is not recorded; letter methods, registered or not, pass.
func TestInboxRefusesNonLetterMethods(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "evil"}, nil)
	for _, m := range []string{"X'", "POST'", "M-SEARCH", "GET|sh", "A~B", "X`", "P0ST", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG"} {
		res, body := b.send(t, m, "/inbox/evil", ";touch pwned;#", nil)
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if res.StatusCode != 400 || json.Unmarshal([]byte(body), &e) != nil || e.Code != 400 || e.Message == "" {
			t.Errorf("method %q: %d %q, want a 400 JSON error", m, res.StatusCode, body)
		}
	}
	if l := b.requests(t, "evil"); l.TotalCount != 0 {
		t.Fatalf("refused methods were recorded: %d requests", l.TotalCount)
	}
	for _, m := range []string{"POST", "purge", "PROPFIND"} {
		if res, body := b.send(t, m, "/inbox/evil", "", nil); res.StatusCode != 200 {
			t.Errorf("method %s: %d %s", m, res.StatusCode, body)
		}
	}
	if l := b.requests(t, "evil"); l.TotalCount != 3 {
		t.Errorf("letter methods recorded: %d, want 3", l.TotalCount)
	}
}

// TestInboxAnswerIsInert: an answer whose body is a <script> is never
// served as HTML without a sandbox: it carries an explicit Content-Type,
// CSP sandbox and nosniff. Security headers cannot be scripted, and the
// error names the header.
func TestInboxAnswerIsInert(t *testing.T) {
	t.Parallel()
	b := inboxSetup(t, inbox.Options{})
	evil := `<script>fetch('/api/ui/keys')</script>`
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "evil", "body": evil}, nil)
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "html", "body": evil, "headers": map[string]string{"Content-Type": "text/html"}}, nil)
	b.mustCall(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "plain"}, nil)
	for _, tt := range []struct{ name, ctype string }{
		{"evil", "text/plain; charset=utf-8"},
		{"html", "text/html"},
		{"plain", "application/json"},
	} {
		res, body := b.send(t, "GET", "/inbox/"+tt.name, "", nil)
		h := res.Header
		if res.StatusCode != 200 || h.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: %d Content-Type %q, want %q", tt.name, res.StatusCode, h.Get("Content-Type"), tt.ctype)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q, want a sandbox", tt.name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tt.name)
		}
		if tt.name != "plain" && body != evil {
			t.Errorf("%s: body %q", tt.name, body)
		}
	}
	for _, name := range []string{"Service-Worker-Allowed", "set-cookie", "Content-Security-Policy", "X-Frame-Options", "Access-Control-Allow-Origin", "Clear-Site-Data", "Cross-Origin-Opener-Policy"} {
		var fields map[string][]string
		res := b.call(t, inboxTestKey, "POST", "/api/v1/inboxes", map[string]any{"name": "sw", "headers": map[string]string{name: "/"}}, &fields)
		if res.StatusCode != 400 || len(fields["headers"]) != 1 || !strings.Contains(fields["headers"][0], http.CanonicalHeaderKey(name)) {
			t.Errorf("scripting %s: %d %v, want a 400 naming it", name, res.StatusCode, fields)
		}
	}
	// A script stored before the rule is answered without the header.
	h := http.Header{}
	inbox.WriteAnswerHeaders(h, inbox.Response{Headers: map[string]string{"Service-Worker-Allowed": "/", "Set-Cookie": "a=b", "X-Ok": "1"}, Body: "{}"})
	if h.Get("Service-Worker-Allowed") != "" || h.Get("Set-Cookie") != "" || h.Get("X-Ok") != "1" {
		t.Errorf("answer headers: %v", h)
	}
}
