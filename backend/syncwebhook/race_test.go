package syncwebhook_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/errs"
)

// When the object changes while its sync webhooks run, the save answers
// 409 and writes nothing; retrying then succeeds.
func TestVersionRaceAnswers409(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var calls atomic.Int32
	rc := newReceiver(t, func(in received) (int, any) {
		if calls.Add(1) == 2 {
			// The outer save is waiting on this answer: change the object
			// under it first. Its own pre-update request is call 3.
			if _, err := b.m.Content.Patch(context.Background(), "product", "p1", map[string]any{"title": "sneaked in"}); err != nil {
				t.Errorf("concurrent patch: %v", err)
			}
		}
		return 200, echo(in, payloadOf(in))
	})
	b.hook(map[string]any{"name": "Slowish", "url": rc.URL})
	b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "first"}) // call 1

	status, out := b.do("PUT", "/api/v1/content/product/p1", map[string]any{"title": "mine"}) // call 2
	if status != 409 {
		t.Fatalf("PUT = %d %v, want 409", status, out)
	}
	if got := b.must(200, "GET", "/api/v1/content/product/p1", nil); got["title"] != "sneaked in" {
		t.Errorf("stored %v", got)
	}
	if got := b.must(200, "PUT", "/api/v1/content/product/p1", map[string]any{"title": "mine"}); got["title"] != "mine" {
		t.Errorf("retry saved %v", got)
	}
	// The service reports the same as a Conflict.
	calls.Store(1)
	_, err := b.m.Content.Replace(context.Background(), "product", "p1", map[string]any{"title": "again"})
	if errs.CodeOf(err) != errs.Conflict {
		t.Errorf("Replace err = %v, want a conflict", err)
	}
}

// The single writer never waits on a receiver: while a sync receiver
// sleeps 5 s, other saves commit and async deliveries are sent.
func TestWritersFlowWhileAReceiverSleeps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	def := map[string]any{}
	for k, v := range productType {
		def[k] = v
	}
	def["name"] = "fast"
	b.must(200, "POST", "/api/v1/internal/contenttype", def)

	asleep := make(chan struct{})
	slow := newReceiver(t, func(in received) (int, any) {
		close(asleep)
		time.Sleep(5 * time.Second)
		return 200, echo(in, payloadOf(in))
	})
	b.hook(map[string]any{"name": "Sleeper", "url": slow.URL, "timeout_ms": 10000})
	async := newReceiver(t, func(received) (int, any) { return 200, map[string]any{} })
	asyncID := b.hook(map[string]any{"name": "Async", "type": "async", "url": async.URL, "actions": actions("Create"),
		"content_type_definitions": []any{map[string]any{"content_type_definition_name": "fast"}}})

	slowDone := make(chan time.Time, 1)
	go func() {
		_, err := b.m.Content.Create(context.Background(), "product", map[string]any{"title": "slow"})
		if err != nil {
			t.Errorf("slow create: %v", err)
		}
		slowDone <- time.Now()
	}()
	<-asleep
	began := time.Now()
	const writers, each = 4, 10
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := b.m.Content.Create(context.Background(), "fast", map[string]any{"title": fmt.Sprintf("w%d-%d", w, i)}); err != nil {
					t.Errorf("fast create: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	writes := time.Since(began)
	for {
		page, err := b.m.Delivery.ListLogs(context.Background(), asyncID, delivery.LogQuery{Status: delivery.StatusDone, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total == writers*each {
			break
		}
		if time.Since(began) > 4500*time.Millisecond {
			t.Fatalf("only %d of %d async deliveries done while a sync receiver slept", page.Total, writers*each)
		}
		time.Sleep(10 * time.Millisecond)
	}
	delivered := time.Since(began)
	select {
	case <-slowDone:
		t.Fatal("the slow save finished before the receiver answered")
	default:
	}
	end := <-slowDone
	t.Logf("%d writes in %s and their deliveries in %s while the sync receiver slept; the slow save took %s",
		writers*each, writes, delivered, end.Sub(began))
	if end.Sub(began) < 4*time.Second {
		t.Errorf("the slow save returned after %s; the receiver sleeps 5 s", end.Sub(began))
	}
}
