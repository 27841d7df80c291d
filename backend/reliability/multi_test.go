package reliability

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline/backend/store/pgtest"
)

// Several `hookline serve` processes over one PostgreSQL database split the
// deliveries between them. These tests start real processes on loopback,
// with real receivers, and need HOOKLINE_TEST_POSTGRES (make test sets it).

// sharedProcs starts n instances over one fresh schema, named A, B, ….
func sharedProcs(t *testing.T, n int, key string, args ...string) []*proc {
	t.Helper()
	// They run in the PostgreSQL pass only (HOOKLINE_TEST_ENGINE=postgres,
	// which TestMain sets for its second pass), not twice.
	if !pgtest.OnPostgres() {
		t.Skip("needs " + pgtest.Env + " and " + pgtest.EngineEnv + "=postgres (TestMain's PostgreSQL pass): several instances share a PostgreSQL database")
	}
	u := pgtest.URL(t)
	var out []*proc
	for i := range n {
		name := string(rune('A' + i))
		p := newProc(t, key, append([]string{"--instance", name}, args...)...)
		p.dbURL = u
		p.start()
		out = append(out, p)
	}
	return out
}

// tally counts receipts per webhook-id and per sending instance.
type tally struct {
	mu     sync.Mutex
	byID   map[string]int
	byInst map[string]int
	total  int
}

func newTally() *tally { return &tally{byID: map[string]int{}, byInst: map[string]int{}} }

func (ta *tally) behaviour(delay time.Duration) behaviour {
	return func(w http.ResponseWriter, r *http.Request, rec *receipt, _ int) int {
		if delay > 0 {
			time.Sleep(delay)
		}
		inst := "?"
		if ua := r.UserAgent(); strings.HasSuffix(ua, ")") {
			if i := strings.LastIndex(ua, "("); i >= 0 {
				inst = ua[i+1 : len(ua)-1]
			}
		}
		ta.mu.Lock()
		ta.byID[rec.WebhookID]++
		ta.byInst[inst]++
		ta.total++
		ta.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	}
}

func (ta *tally) distinct() int {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	return len(ta.byID)
}

// duplicates is how many receipts repeated a webhook-id.
func (ta *tally) duplicates() int {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	return ta.total - len(ta.byID)
}

// createItems creates n objects through a, in batches of 100.
func createItems(t *testing.T, a *api, typ, prefix string, n int) {
	t.Helper()
	for start := 0; start < n; start += 100 {
		items := make([]any, 0, 100)
		for i := start; i < min(n, start+100); i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("%s-%d", prefix, i), "title": "t"})
		}
		a.must(t, 200, "POST", "/api/v1/content/"+typ+"/batch", items)
	}
}

func waitDistinct(t *testing.T, ta *tally, want int, limit time.Duration) {
	t.Helper()
	if !waitUntil(limit, func() bool { return ta.distinct() >= want }) {
		t.Fatalf("%d of %d deliveries arrived within %v", ta.distinct(), want, limit)
	}
}

// TestMultiInstanceSplit: 20,000 changes go through two instances (half
// each); every delivery arrives at least once, both instances send, and
// with no lease running out there are no duplicates (the bound is the
// claims in flight when a lease expires: none here).
func TestMultiInstanceSplit(t *testing.T) {
	changes := pick(20000, 100000)
	key := "rw-" + randomHex(16)
	// The default lease: no claim may lapse during the run, however loaded
	// the machine, so any duplicate would be a double claim.
	ps := sharedProcs(t, 2, key, "--workers", "8", "--lease", "60s", "--lease-extend", "20s")
	a, b := newAPI(ps[0].URL, key), newAPI(ps[1].URL, key)
	rc := newReceiver()
	t.Cleanup(rc.close)
	ta := newTally()
	rc.set(ta.behaviour(0))
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("splititem"))
	a.must(t, 200, "POST", "/api/v1/content/_webhooks", webhookDef("split", rc.URL("/split"), []string{"Create"}, nil, ""))
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range []*api{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			createItems(t, c, "splititem", fmt.Sprintf("via%d", i), changes/2)
		}()
	}
	wg.Wait()
	written := time.Since(start)
	waitDistinct(t, ta, changes, 5*time.Minute)
	drained := time.Since(start)
	time.Sleep(500 * time.Millisecond) // let a straggling duplicate show
	ta.mu.Lock()
	split := fmt.Sprint(ta.byInst)
	aSent, bSent := ta.byInst["A"], ta.byInst["B"]
	ta.mu.Unlock()
	t.Logf("split summary: %d changes (half through each instance) written in %v, all delivered in %v; sent by instance %s; %d duplicates",
		changes, written.Round(time.Millisecond), drained.Round(time.Millisecond), split, ta.duplicates())
	if aSent == 0 || bSent == 0 {
		t.Errorf("one instance did all the work: %s", split)
	}
	if d := ta.duplicates(); d != 0 {
		t.Errorf("%d duplicates with no lease expired: two instances claimed one delivery", d)
	}
}

// TestMultiInstanceFailover: A is SIGKILLed in mid-drain, while one of its
// attempts is at the receiver; B finishes, including A's claims once their
// lease runs out. Nothing is lost; the duplicates are bounded by the claims
// in flight when A died.
func TestMultiInstanceFailover(t *testing.T) {
	changes := pick(3000, 20000)
	key := "rw-" + randomHex(16)
	// An 8 s lease, extended every second: A's claims outlive the kill by at
	// least 7 s, so the check below (1.5 s after it) cannot race their
	// expiry and B's re-claim, however late the machine runs.
	const lease = 8 * time.Second
	ps := sharedProcs(t, 2, key, "--workers", "8", "--lease", lease.String(), "--lease-extend", "1s")
	b := newAPI(ps[1].URL, key) // the changes go through B, which survives
	rc := newReceiver()
	t.Cleanup(rc.close)
	ta := newTally()
	count := ta.behaviour(20 * time.Millisecond)
	// Once armed, the first attempt A sends is held at the receiver until A
	// is dead: the kill then provably lands while A holds a claim.
	var armed atomic.Bool
	aAtReceiver := make(chan struct{}, 1)
	killed := make(chan struct{})
	rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
		if armed.Load() && strings.HasSuffix(r.UserAgent(), "(A)") {
			select {
			case aAtReceiver <- struct{}{}:
			default:
			}
			<-killed
		}
		return count(w, r, rec, n)
	})
	b.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("failitem"))
	b.must(t, 200, "POST", "/api/v1/content/_webhooks", webhookDef("fail", rc.URL("/fail"), []string{"Create"}, nil, ""))
	created := make(chan struct{})
	go func() {
		defer close(created)
		createItems(t, b, "failitem", "f", changes)
	}()
	if !waitUntil(time.Minute, func() bool { return ta.distinct() >= changes/3 }) {
		t.Fatalf("only %d of %d arrived before the kill", ta.distinct(), changes)
	}
	armed.Store(true)
	select {
	case <-aAtReceiver:
	case <-time.After(time.Minute):
		t.Fatalf("A sent nothing for a minute after %d of %d had arrived", ta.distinct(), changes)
	}
	ps[0].kill()
	close(killed)
	killedAt := time.Now()
	arrived := ta.distinct()
	type claim struct {
		Seq       int64
		ClaimedBy string
	}
	db := ps[1].inspect(t)
	claims := func() map[claim]bool {
		var rows []claim
		if err := db.Raw(`SELECT seq, claimed_by FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL`).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out := map[claim]bool{}
		for _, r := range rows {
			out[r] = true
		}
		return out
	}
	atKill := claims()
	// B finishes its own claims in well under a second (8 workers, 20 ms
	// each); a claim still held by the same token 1.5 s later is a dead A's.
	time.Sleep(1500 * time.Millisecond)
	stale := 0
	for c := range claims() {
		if atKill[c] {
			stale++
		}
	}
	if stale == 0 {
		t.Fatalf("A held no claims when it died (%d claims in flight): the kill proved nothing", len(atKill))
	}
	<-created
	waitDistinct(t, ta, changes, 3*time.Minute)
	after := time.Since(killedAt)
	time.Sleep(500 * time.Millisecond) // let a straggling duplicate show
	closeDB(db)
	ta.mu.Lock()
	split := fmt.Sprint(ta.byInst)
	ta.mu.Unlock()
	dups := ta.duplicates()
	t.Logf("failover summary: %d changes, A killed after %d had arrived; %d claims in flight at the kill, %d of them A's "+
		"(still held 1.5 s later); all delivered %v after the kill (lease %v); sent by instance %s; %d duplicates",
		changes, arrived, len(atKill), stale, after.Round(time.Millisecond), lease, split, dups)
	if dups > len(atKill) {
		t.Errorf("%d duplicates, more than the %d claims in flight at the kill", dups, len(atKill))
	}
}
