package reliability

import (
	"strings"
	"testing"
	"time"
)

// TestReadOnlyKeySeesNoSecrets: the read-only key reads webhooks, their
// versions (a rotated secret included) and their execution logs with the
// signing secret and header values masked; the read-write key sees them.
func TestReadOnlyKeySeesNoSecrets(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	a := in.a
	ro := newAPI(in.m.URL, a.must(t, 200, "GET", "/api/ui/keys", nil)["readOnly"].(string))
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	a.must(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "sink"})
	old, rotated := newSecret(), newSecret()
	hook := webhookDef("hook", in.m.URL()+"/inbox/sink", []string{"Create"}, nil, old)
	oldHeader, newHeader := "Bearer old-"+randomHex(8), "Bearer new-"+randomHex(8)
	hook["headers"] = []any{map[string]any{"header_name": "Authorization", "header_value": oldHeader}}
	id := a.must(t, 200, "POST", "/api/v1/content/_webhooks", hook)["id"].(string)
	a.must(t, 200, "PATCH", "/api/v1/content/_webhooks/"+id, map[string]any{
		"signing_secret": rotated, "headers": []any{map[string]any{"header_name": "Authorization", "header_value": newHeader}},
	})
	a.must(t, 200, "POST", "/api/v1/content/article", map[string]any{"title": "x"})
	if !waitUntil(10*time.Second, func() bool { return logCount(t, a, id, "done") == 1 }) {
		t.Fatal("the delivery did not finish")
	}
	logID := logs(t, a, id, "")[0]["id"].(string)
	paths := []string{
		"/api/v1/content/_webhooks",
		"/api/v1/content/_webhooks/" + id,
		"/api/v1/content/_webhooks/" + id + "/version/1",
		"/api/v1/content/_webhooks/" + id + "/version/2",
		"/api/v1/content/_webhooks?filters=" + `{"name":{"type":"equals","filter":"hook"}}`,
		"/api/v1/webhooks/" + id + "/logs/" + logID,
	}
	secrets := []string{old, rotated, strings.TrimPrefix(old, "whsec_"), strings.TrimPrefix(rotated, "whsec_"), oldHeader, newHeader}
	for _, p := range paths {
		code, raw, err := ro.call("GET", p, nil)
		if err != nil || code != 200 {
			t.Fatalf("read-only GET %s: %d %v %s", p, code, err, raw)
		}
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				t.Errorf("read-only GET %s shows %q", p, s)
			}
		}
		if !strings.Contains(string(raw), "********") {
			t.Errorf("read-only GET %s: nothing masked, so nothing was checked: %.300s", p, raw)
		}
	}
	// The read-write key (export, editing) still sees them.
	_, raw, _ := a.call("GET", "/api/v1/content/_webhooks/"+id+"/version/1", nil)
	if !strings.Contains(string(raw), old) || !strings.Contains(string(raw), oldHeader) {
		t.Errorf("the read-write key lost the secrets: %.300s", raw)
	}
}
