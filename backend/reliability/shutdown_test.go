package reliability

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestShutdownUnderLoad sends SIGTERM to `hookline serve` while writers are
// committing changes and the pool is draining a backlog into a slow
// receiver, some of whose requests hang past the shutdown deadline. The
// process must exit within 5s, leave no claim behind (so nothing waits out a
// lease), and after a restart every committed change must be delivered,
// the released claims well before a lease could have expired.
func TestShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	rounds := pick(1, 3)
	rc := newReceiver()
	t.Cleanup(rc.close)
	// Until the SIGTERM, requests are slow and some hang past the shutdown
	// deadline; after the restart the receiver is quick.
	var quick atomic.Bool
	rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
		wait := 10 * time.Millisecond
		if !quick.Load() {
			wait = 100 * time.Millisecond
			if n%15 == 0 {
				wait = time.Minute
			}
		}
		select {
		case <-time.After(wait):
		case <-r.Context().Done():
			return 0
		}
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	})
	key := "rw-" + randomHex(16)
	p := newProc(t, key, "--workers", "4", "--retry-delays", "1s,1s,1s")
	p.start()
	a := newAPI(p.URL, key)
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("item"))
	hook := a.must(t, 200, "POST", "/api/v1/content/_webhooks",
		webhookDef("slow", rc.URL("/slow"), []string{"Create", "Update", "Delete"}, nil, newSecret()))["id"].(string)

	var mu sync.Mutex
	committed := map[string]bool{} // object ids whose create answered 200
	var unknown []string
	released := 0
	for round := range rounds {
		// A backlog first, then writers that keep committing through the
		// SIGTERM.
		items := make([]any, 100)
		for i := range items {
			id := fmt.Sprintf("r%d-pre-%d", round, i)
			items[i] = map[string]any{"id": id, "title": id}
			committed[id] = true
		}
		a.must(t, 200, "POST", "/api/v1/content/item/batch", items)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					code, _, err := a.call("POST", "/api/v1/content/item", map[string]any{"id": id, "title": id})
					mu.Lock()
					switch {
					case err == nil && code == 200:
						committed[id] = true
					case err != nil || code >= 500:
						unknown = append(unknown, id)
					}
					mu.Unlock()
					if err != nil {
						return // the server is gone
					}
				}
			}()
		}
		quick.Store(false)
		base := rc.count()
		waitUntil(10*time.Second, func() bool { return rc.count() >= base+20 })
		took, err := p.terminate(6 * time.Second)
		quick.Store(true)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: %v", round+1, err)
		}
		if took > 5*time.Second {
			t.Errorf("round %d: exited %v after SIGTERM, want within 5s", round+1, took)
		}
		db := p.inspect(t)
		var held, pending int
		db.Raw(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL`).Scan(&held)
		db.Raw(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending'`).Scan(&pending)
		closeDB(db)
		if held != 0 {
			t.Errorf("round %d: %d claims still held after a graceful stop", round+1, held)
		}
		released += pending
		t.Logf("round %d: exited %v after SIGTERM; %d deliveries left pending and unclaimed", round+1, took.Round(time.Millisecond), pending)
		restartedAt := time.Now()
		p.start()
		// Resolve creates cut off by the stop.
		for _, id := range unknown {
			if code, _, err := a.call("GET", "/api/v1/content/item/"+id, nil); err == nil && code == 200 {
				committed[id] = true
			}
		}
		unknown = nil
		// Everything is sent again well within one lease (60s): the stop
		// released its claims instead of leaving them to expire.
		done := waitUntil(30*time.Second, func() bool { return logCount(t, a, hook, "pending") == 0 })
		if !done {
			t.Fatalf("round %d: %d deliveries still pending 30s after the restart", round+1, logCount(t, a, hook, "pending"))
		}
		t.Logf("round %d: the backlog drained %v after the restart", round+1, time.Since(restartedAt).Round(time.Millisecond))
	}

	delivered := map[string]bool{}
	for _, r := range rc.receipts() {
		if r.Status == 200 {
			delivered[r.ObjectID] = true
		}
	}
	for id := range committed {
		if !delivered[id] {
			t.Errorf("committed create %s was never delivered", id)
		}
	}
	if n := logCount(t, a, hook, "error"); n != 0 {
		t.Errorf("%d deliveries ended in error", n)
	}
	if _, err := p.terminate(6 * time.Second); err != nil {
		t.Error(err)
	}
	t.Logf("shutdown summary: %d SIGTERMs under load, %d committed creates all delivered, %d deliveries released at stops and sent after restarts",
		rounds, len(committed), released)
}
