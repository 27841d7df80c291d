package api_test

import (
	"encoding/json"

	"hookline/backend/inbox"
	"testing"
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
