package app

import (
	"context"
	"testing"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/demo"
	"hookline/backend/errs"
)

// The whole path, in process: content changes → trigger → queue → pool →
// HTTP → the app's own inbox, with logs ending done.
func TestLoadDemoDeliversToItsInbox(t *testing.T) {
	t.Parallel()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := m.LoadDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Types) != 2 || res.Objects != 5 || res.WebhookID == "" || res.Inbox != demo.InboxName {
		t.Fatalf("result = %+v", res)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		page, err := m.Delivery.ListLogs(context.Background(), res.WebhookID, delivery.LogQuery{Status: "done", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total == res.Objects {
			break
		}
		if time.Now().After(deadline) {
			all, _ := m.Delivery.ListLogs(context.Background(), res.WebhookID, delivery.LogQuery{Limit: 100})
			t.Fatalf("%d of %d logs done after 10s: %+v", page.Total, res.Objects, all.Items)
		}
		time.Sleep(20 * time.Millisecond)
	}
	reqs, total, err := m.Inbox.ListRequests(context.Background(), demo.InboxName, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if total != res.Objects || len(reqs) != res.Objects {
		t.Fatalf("inbox got %d requests, want %d", total, res.Objects)
	}

	// A second load refuses and changes nothing.
	_, err = m.LoadDemo(context.Background())
	if errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("second load: %v, want a conflict", err)
	}
	page, _ := m.Delivery.ListLogs(context.Background(), res.WebhookID, delivery.LogQuery{Limit: 100})
	if page.Total != res.Objects {
		t.Fatalf("second load queued deliveries: %d logs", page.Total)
	}
}
