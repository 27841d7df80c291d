package syncwebhook_test

import (
	"context"
	"reflect"
	"testing"

	"hookline/backend/delivery"
)

// An inbox answers sync requests: modify by its merge patch, reject with
// its scripted errors, accept; each request is recorded like any other.
func TestInboxAsSyncReceiver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.must(201, "POST", "/api/v1/inboxes", map[string]any{"name": "sync", "syncMode": "modify",
		"syncPatch": map[string]any{"slug": "from-inbox", "edit_counter": nil}})
	id := b.hook(map[string]any{"name": "Inbox", "url": b.url + "/inbox/sync"})

	obj := b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "T", "edit_counter": 3})
	if obj["slug"] != "from-inbox" || obj["edit_counter"] != nil || obj["title"] != "T" {
		t.Errorf("saved %v, want the patch applied", obj)
	}
	if l := b.logs(id); len(l) != 1 || l[0].Verdict != delivery.VerdictModified {
		t.Errorf("logs %+v", l)
	}

	b.must(200, "PUT", "/api/v1/inboxes/sync", map[string]any{"syncMode": "reject", "syncErrors": map[string]any{"title": []any{"The inbox says no"}}})
	status, out := b.do("PUT", "/api/v1/content/product/p1", map[string]any{"title": "U"})
	if want := map[string]any{"title": []any{"The inbox says no"}}; status != 400 || !reflect.DeepEqual(out, want) {
		t.Errorf("reject: %d %v", status, out)
	}
	reqs, total, err := b.m.Inbox.ListRequests(context.Background(), "sync", 1, 10)
	if err != nil || total != 2 || reqs[0].Method != "POST" {
		t.Errorf("inbox recorded %d: %v %v", total, reqs, err)
	}

	// Bad sync scripts are refused with the field named.
	for _, bad := range []map[string]any{{"syncMode": "maybe"}, {"syncMode": "reject"}, {"syncMode": "modify"}} {
		status, out := b.do("PUT", "/api/v1/inboxes/sync", bad)
		m, _ := out.(map[string]any)
		if status != 400 || len(m) != 1 {
			t.Errorf("%v: %d %v", bad, status, out)
		}
	}
}

// The demo's sync webhook is disabled; enabled, it stamps products through
// the demo-sync inbox.
func TestDemoSyncWebhook(t *testing.T) {
	t.Parallel()
	m := setupEmpty(t)
	res, err := m.m.LoadDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.SyncWebhookID == "" || res.Note == "" {
		t.Fatalf("demo result %+v", res)
	}
	obj := m.must(200, "POST", "/api/v1/content/product", map[string]any{"name": "Plain", "price": 1})
	if obj["description"] != nil {
		t.Errorf("the disabled sync webhook ran: %v", obj)
	}
	m.must(200, "PATCH", "/api/v1/content/_webhooks/"+res.SyncWebhookID, map[string]any{"enabled": true})
	obj = m.must(200, "POST", "/api/v1/content/product", map[string]any{"name": "Stamped", "price": 2})
	if obj["description"] != "Checked by the demo-sync inbox" {
		t.Errorf("saved %v", obj)
	}
}
