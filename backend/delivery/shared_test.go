package delivery

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"hookline/backend/events"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// instance is one Service over a shared PostgreSQL schema, as one
// `hookline serve` would run it.
type instance struct {
	svc *Service
	db  *store.DB
	bus *events.Bus
}

func sharedInstances(t *testing.T, n int, opts Options) []*instance {
	t.Helper()
	u := pgtest.URL(t)
	if u == "" {
		t.Skip("needs " + pgtest.Env + ": instances share a PostgreSQL database")
	}
	var out []*instance
	for range n {
		db, err := store.Open(context.Background(), store.Options{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		o := opts
		o.Bus = events.NewBus()
		o.QuickRetries = -1
		svc := New(db, o)
		if err := svc.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			svc.Stop(ctx)
		})
		out = append(out, &instance{svc: svc, db: db, bus: o.Bus})
	}
	return out
}

// TestSharedQueueSplitsWithoutDoubleClaims queues deliveries through one
// instance and lets two drain them: every delivery arrives, none twice (no
// lease expires here, so SKIP LOCKED claims are the only guard), both
// instances send some, and the second instance's live events include the
// deliveries the first one sent.
func TestSharedQueueSplitsWithoutDoubleClaims(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	byAgent := map[string]int{}
	srv := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Webhook-Id")]++
		byAgent[r.Header.Get("User-Agent")]++
		mu.Unlock()
		w.WriteHeader(200)
	})
	a := sharedInstances(t, 1, Options{Workers: 4, UserAgent: "A"})[0]
	// B on the same schema: a second sharedInstances call would make a new one.
	db, err := store.Open(context.Background(), store.Options{URL: urlOf(t, a.db)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bBus := events.NewBus()
	live, cancel := bBus.Subscribe(100000)
	defer cancel()
	b := New(db, Options{Workers: 4, UserAgent: "B", Bus: bBus, QuickRetries: -1})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Stop(context.Background())

	const total = 2000
	var ids []string
	for start := 0; start < total; start += 100 {
		ds := make([]NewDelivery, 100)
		for i := range ds {
			ds[i] = delivery(srv.URL)
			ds[i].ObjectID = fmt.Sprintf("product-%d", start+i)
		}
		err := a.db.InTx(context.Background(), func(tx *gorm.DB) error {
			got, err := a.svc.EnqueueTx(context.Background(), tx, ds)
			ids = append(ids, got...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a.svc.Notify() // B learns of it through NOTIFY only
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries arrived", n, total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("delivery %s arrived %d times", id, seen[id])
		}
	}
	t.Logf("split: A sent %d, B sent %d of %d", byAgent["A"], byAgent["B"], total)
	if byAgent["A"] == 0 || byAgent["B"] == 0 {
		t.Errorf("one instance did all the work: %v", byAgent)
	}
	mu.Unlock()
	// Retention kept the newest 300 finished logs, although both instances
	// trimmed at once; B's bus showed "done" for every one of them,
	// whichever instance sent it.
	var kept []string
	waitUntilTrue(t, 10*time.Second, func() bool {
		kept = kept[:0]
		b.db.R.Raw(`SELECT id FROM deliveries WHERE webhook_id = 'wh1' AND status = 'done'`).Scan(&kept)
		return len(kept) == 300
	}, func() string { return fmt.Sprintf("%d finished logs kept, want 300", len(kept)) })
	want := map[string]bool{}
	for _, id := range kept {
		want[id] = true
	}
	timeout := time.After(10 * time.Second)
	for len(want) > 0 {
		select {
		case e := <-live:
			if l, ok := e.Data.(LogSummary); ok && l.Status == StatusDone {
				delete(want, l.ID)
			}
		case <-timeout:
			t.Fatalf("B's live events missed %d of the 300 kept deliveries", len(want))
		}
	}
}

func waitUntilTrue(t *testing.T, d time.Duration, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// urlOf is the URL db was opened with (its password is in the test
// server's environment, not in db).
func urlOf(t *testing.T, db *store.DB) string {
	t.Helper()
	return db.URL()
}

// TestSharedOutOfOrderCommitsStillShowPending: on a shared database seqs are
// reserved by concurrent transactions and commit in any order. Deliveries
// committed behind the newest seq an instance has seen must still show as
// "pending" on its live events before "done", as every delivery does on
// SQLite.
func TestSharedOutOfOrderCommitsStillShowPending(t *testing.T) {
	t.Parallel()
	srv := newReceiver(t, nil)
	b := sharedInstances(t, 1, Options{Workers: 4})[0]
	live, cancel := b.bus.Subscribe(10000)
	defer cancel()
	// A only writes: its pool is not started, so B claims everything.
	dbA, err := store.Open(context.Background(), store.Options{URL: urlOf(t, b.db)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbA.Close() })
	a := New(dbA, Options{})
	batch := func(prefix string) []NewDelivery {
		ds := make([]NewDelivery, 10)
		for i := range ds {
			ds[i] = delivery(srv.URL)
			ds[i].ObjectID = fmt.Sprintf("%s-%d", prefix, i)
		}
		return ds
	}
	reserved, release := make(chan struct{}), make(chan struct{})
	var early []string
	committed := make(chan error, 1)
	go func() {
		committed <- dbA.InTx(context.Background(), func(tx *gorm.DB) error {
			var err error
			early, err = a.EnqueueTx(context.Background(), tx, batch("early"))
			close(reserved)
			<-release
			return err
		})
	}()
	<-reserved
	var late []string
	if err := dbA.InTx(context.Background(), func(tx *gorm.DB) error {
		var err error
		late, err = a.EnqueueTx(context.Background(), tx, batch("late"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	statuses := map[string][]string{}
	waitFor := func(ids []string) {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for _, id := range ids {
			for !slices.Contains(statuses[id], StatusDone) {
				select {
				case e := <-live:
					if l, ok := e.Data.(LogSummary); ok {
						statuses[l.ID] = append(statuses[l.ID], l.Status)
					}
				case <-timeout:
					t.Fatalf("B's live events for %s: %v, want done", id, statuses[id])
				}
			}
		}
	}
	waitFor(late) // B has now seen seqs past every early one
	close(release)
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	waitFor(early)
	for _, id := range append(early, late...) {
		if got := statuses[id]; got[0] != StatusPending {
			t.Errorf("delivery %s showed %v on B, want pending first", id, got)
		}
	}
}

// TestSharedBulkRetryAndRedeliver: with two instances draining one queue, a
// bulk retry through B and a redelivery through A are each sent once more,
// by whichever instance claims them, with the original's webhook-id.
func TestSharedBulkRetryAndRedeliver(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	sent := map[string]int{}
	byAgent := map[string]int{}
	srv := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("Webhook-Id")
		mu.Lock()
		sent[id]++
		first := sent[id] == 1
		byAgent[r.Header.Get("User-Agent")]++
		mu.Unlock()
		if first {
			http.Error(w, "gone", http.StatusGone) // not retried: the log ends in error
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a := sharedInstances(t, 1, Options{Workers: 4, UserAgent: "A"})[0]
	dbB, err := store.Open(context.Background(), store.Options{URL: urlOf(t, a.db)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbB.Close() })
	b := New(dbB, Options{Workers: 4, UserAgent: "B", Bus: events.NewBus(), QuickRetries: -1})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Stop(context.Background())

	const total = 200
	ds := make([]NewDelivery, total)
	for i := range ds {
		ds[i] = delivery(srv.URL)
		ds[i].ObjectID = fmt.Sprintf("product-%d", i)
	}
	var ids []string
	if err := a.db.InTx(context.Background(), func(tx *gorm.DB) (err error) {
		ids, err = a.svc.EnqueueTx(context.Background(), tx, ds)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	a.svc.Notify()
	count := func(status string) int {
		var n int
		a.db.R.Raw(`SELECT COUNT(*) FROM deliveries WHERE status = ?`, status).Scan(&n)
		return n
	}
	waitUntilTrue(t, 30*time.Second, func() bool { return count(StatusError) == total },
		func() string { return fmt.Sprintf("%d of %d logs ended in error", count(StatusError), total) })

	res, err := b.RetryLogs(context.Background(), LogFilter{Status: StatusError}, false)
	if err != nil || res.Queued != total {
		t.Fatalf("bulk retry through B: %+v, %v", res, err)
	}
	one, err := a.svc.Redeliver(context.Background(), "wh1", ids[0])
	if err != nil {
		t.Fatal(err)
	}
	waitUntilTrue(t, 30*time.Second, func() bool { return count(StatusDone) == total+1 },
		func() string { return fmt.Sprintf("%d of %d redeliveries done", count(StatusDone), total+1) })
	time.Sleep(300 * time.Millisecond) // let a straggling duplicate show
	mu.Lock()
	defer mu.Unlock()
	for i, id := range ids {
		want := 2
		if i == 0 {
			want = 3 // the original, the bulk retry and the redelivery
		}
		if sent[id] != want {
			t.Errorf("webhook-id %s sent %d times, want %d", id, sent[id], want)
		}
	}
	if one.RedeliveryOf != ids[0] {
		t.Errorf("redelivery of %s: %+v", ids[0], one)
	}
	t.Logf("bulk retry and redeliver: sent by %v", byAgent)
}
