package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash test's schedule. Each failed attempt is retried after 1s (±20%),
// and the first receipt of some deliveries is answered 500 on purpose, so
// that kills also land while retries are scheduled. Leases are the app's
// real 60s: claims that a killed process held come back only when they run
// out, which is what the final wait covers.
const (
	crashType     = "crashitem"
	crashLeaseTTL = 60 * time.Second
)

// killPoint is where in the delivery path a kill lands. Writers run during
// every one of them, so every kill also lands while changes are committed.
type killPoint string

const (
	// killWhileCommitting: a random moment under write load.
	killWhileCommitting killPoint = "while committing"
	// killMidDrain: a burst of 100 objects is queued and the process dies
	// once the receiver has seen some of it.
	killMidDrain killPoint = "mid-drain"
	// killAfterAttempt: the receiver answers 200 and the process dies before
	// it can record the attempt (the body is cut after the status, or the
	// kill follows the full answer at once).
	killAfterAttempt killPoint = "between attempt and record"
	// killMidAttempt: the receiver holds a request until the process dies.
	killMidAttempt killPoint = "mid-attempt"
	// killDuringRetry: a delivery failed, its retry is stored, and the
	// process dies before the retry is due.
	killDuringRetry killPoint = "during a scheduled retry"
)

// change is one content change whose outcome the writers learned.
type change struct {
	Action   string
	ObjectID string
	Version  int
}

// unknownOp is a call cut off by a kill (or refused while the process was
// down): whether it committed is decided afterwards from the object's state.
// The writer never touches that object again, so its state is final.
type unknownOp struct {
	Action  string
	IDs     []string
	Version int // the version before the call (update, delete)
}

// ledger is what the writers know for sure.
type ledger struct {
	mu         sync.Mutex
	committed  []change
	rolledBack map[string]bool // object ids that were never created
	unknown    []unknownOp
	problems   []string // 5xx answers and other surprises
}

func (l *ledger) commit(c ...change) {
	l.mu.Lock()
	l.committed = append(l.committed, c...)
	l.mu.Unlock()
}

func (l *ledger) rollBack(ids ...string) {
	l.mu.Lock()
	for _, id := range ids {
		l.rolledBack[id] = true
	}
	l.mu.Unlock()
}

func (l *ledger) unsure(op unknownOp) {
	l.mu.Lock()
	l.unknown = append(l.unknown, op)
	l.mu.Unlock()
}

func (l *ledger) problem(format string, args ...any) {
	l.mu.Lock()
	if len(l.problems) < 50 {
		l.problems = append(l.problems, fmt.Sprintf(format, args...))
	}
	l.mu.Unlock()
}

// writer changes its own objects through the REST API until ctx ends.
// gate is held for reading around each call, so that a restart can wait for
// calls in flight to fail and keep new ones from starting.
func writer(ctx context.Context, w int, a *api, gate *sync.RWMutex, l *ledger, burst <-chan int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, uint64(w)))
	live := map[string]int{} // id → latest version
	var order []string
	n := 0
	nextID := func(prefix string) string { n++; return fmt.Sprintf("%s-w%d-%d", prefix, w, n) }
	forget := func(id string) {
		delete(live, id)
		order = slices.DeleteFunc(order, func(s string) bool { return s == id })
	}
	do := func(method, path string, body any) (int, []byte, error) {
		gate.RLock()
		defer gate.RUnlock()
		code, raw, err := a.call(method, path, body)
		if err == nil && code >= 500 {
			l.problem("%s %s: %d %s", method, path, code, raw)
		}
		return code, raw, err
	}
	version := func(raw []byte) int {
		var o struct {
			Internal struct {
				LatestVersion int `json:"latestVersion"`
			} `json:"internal"`
		}
		json.Unmarshal(raw, &o)
		return o.Internal.LatestVersion
	}
	for ctx.Err() == nil {
		select {
		case size := <-burst:
			// A valid batch for a drain to chew on.
			items := make([]any, size)
			ids := make([]string, size)
			for i := range items {
				ids[i] = nextID("burst")
				items[i] = map[string]any{"id": ids[i], "title": "burst " + ids[i], "n": i}
			}
			code, raw, err := do("POST", "/api/v1/content/"+crashType+"/batch", items)
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Create", IDs: ids})
			case code == 200:
				for _, id := range ids {
					l.commit(change{"Create", id, 1})
				}
			default:
				l.problem("burst batch: %d %s", code, raw)
			}
			continue
		default:
		}
		time.Sleep(time.Duration(5+rng.IntN(30)) * time.Millisecond)
		switch r := rng.IntN(100); {
		case r < 40 || len(order) == 0: // create
			id := nextID("obj")
			code, raw, err := do("POST", "/api/v1/content/"+crashType, map[string]any{"id": id, "title": "t " + id, "n": n})
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Create", IDs: []string{id}})
			case code == 200:
				v := version(raw)
				l.commit(change{"Create", id, v})
				live[id] = v
				order = append(order, id)
			default:
				l.problem("create %s: %d %s", id, code, raw)
			}
		case r < 65: // update
			id := order[rng.IntN(len(order))]
			code, raw, err := do("PATCH", "/api/v1/content/"+crashType+"/"+id, map[string]any{"n": n + 1000000})
			n++
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Update", IDs: []string{id}, Version: live[id]})
				forget(id)
			case code == 200:
				live[id] = version(raw)
				l.commit(change{"Update", id, live[id]})
			default:
				l.problem("update %s: %d %s", id, code, raw)
				forget(id)
			}
		case r < 75: // delete
			id := order[rng.IntN(len(order))]
			v := live[id]
			forget(id)
			code, raw, err := do("DELETE", "/api/v1/content/"+crashType+"/"+id, nil)
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Delete", IDs: []string{id}, Version: v})
			case code == 204:
				l.commit(change{"Delete", id, v})
			default:
				l.problem("delete %s: %d %s", id, code, raw)
			}
		case r < 85: // refused create: no title, so the transaction rolls back
			id := nextID("bad")
			code, raw, err := do("POST", "/api/v1/content/"+crashType, map[string]any{"id": id, "n": 1})
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Create", IDs: []string{id}})
			case code == 400:
				l.rollBack(id)
			default:
				l.problem("refused create %s: %d %s", id, code, raw)
			}
		case r < 92: // refused batch: the last item is invalid, so none is kept
			ids := []string{nextID("badbatch"), nextID("badbatch"), nextID("badbatch")}
			items := []any{
				map[string]any{"id": ids[0], "title": "ok"},
				map[string]any{"id": ids[1], "title": "ok"},
				map[string]any{"id": ids[2], "n": "not a number"},
			}
			code, raw, err := do("POST", "/api/v1/content/"+crashType+"/batch", items)
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Create", IDs: ids})
			case code == 400:
				l.rollBack(ids...)
			default:
				l.problem("refused batch: %d %s", code, raw)
			}
		default: // a small valid batch
			ids := []string{nextID("batch"), nextID("batch"), nextID("batch"), nextID("batch")}
			items := make([]any, len(ids))
			for i, id := range ids {
				items[i] = map[string]any{"id": id, "title": "b " + id}
			}
			code, raw, err := do("POST", "/api/v1/content/"+crashType+"/batch", items)
			switch {
			case err != nil || code >= 500:
				l.unsure(unknownOp{Action: "Create", IDs: ids})
			case code == 200:
				for _, id := range ids {
					l.commit(change{"Create", id, 1})
					live[id] = 1
					order = append(order, id)
				}
			default:
				l.problem("batch: %d %s", code, raw)
			}
		}
	}
}

func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	kills := pick(3, 20)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d, %d kills", seed, kills)

	rc := newReceiver()
	t.Cleanup(rc.close)
	key := "rw-" + randomHex(16)
	p := newProc(t, key, "--workers", "4", "--timeout", "2s", "--retry-delays", "1s,1s,1s,1s,1s,1s,1s,1s")
	p.start()
	a := newAPI(p.URL, key)
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType(crashType))
	secret := newSecret()
	hookAll := a.must(t, 200, "POST", "/api/v1/content/_webhooks",
		webhookDef("all", rc.URL("/all"), []string{"Create", "Update", "Delete"}, []string{crashType}, secret))["id"].(string)
	hookSaves := a.must(t, 200, "POST", "/api/v1/content/_webhooks",
		webhookDef("saves", rc.URL("/saves"), []string{"Create", "Update"}, nil, ""))["id"].(string)
	owed := func(c change) []changeKey {
		keys := []changeKey{{hookAll, c.Action, c.ObjectID, c.Version}}
		if c.Action != "Delete" {
			keys = append(keys, changeKey{hookSaves, c.Action, c.ObjectID, c.Version})
		}
		return keys
	}

	// Some first receipts are answered 500, so retries are always in play.
	var failFirst sync.Map // webhook-id → already failed once
	defaultBehaviour := func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
		if n%7 == 0 {
			if _, seen := failFirst.LoadOrStore(rec.WebhookID, true); !seen {
				w.WriteHeader(http.StatusInternalServerError)
				return http.StatusInternalServerError
			}
		}
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	}
	rc.set(defaultBehaviour)

	l := &ledger{rolledBack: map[string]bool{}}
	ctx, stopWriters := context.WithCancel(context.Background())
	var gate sync.RWMutex
	var wg sync.WaitGroup
	burst := make(chan int, 1)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writer(ctx, w, a, &gate, l, burst, seed)
		}()
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			stopWriters()
			wg.Wait()
		}
	}
	t.Cleanup(stop)

	// claimsAtKills is, summed over kills, how many deliveries the killed
	// process had claimed and not written back: the most that can be sent
	// again after the receiver already answered 2xx.
	claimsAtKills := 0
	seenClaims := map[string]bool{} // "seq/claimer" of every claim found at a kill
	survived := 0
	var lastClaimKill time.Time
	points := []killPoint{killAfterAttempt, killMidDrain, killDuringRetry, killMidAttempt, killWhileCommitting}
	for k := range kills {
		point := points[k%len(points)]
		time.Sleep(time.Duration(300+rng.IntN(700)) * time.Millisecond) // normal traffic first
		killed := make(chan struct{})
		var once sync.Once
		kill := func() { once.Do(func() { p.kill(); close(killed) }) }
		switch point {
		case killWhileCommitting:
			time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
			kill()
		case killMidDrain:
			target := rc.count() + 20 + rng.IntN(40)
			burst <- 100
			if !waitUntil(10*time.Second, func() bool { return rc.count() >= target }) {
				t.Logf("kill %d: the drain did not start within 10s; killing anyway", k+1)
			}
			kill()
		case killAfterAttempt:
			cut := rng.IntN(2) == 0
			rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
				if cut {
					// The status and half the body: the sender has its 2xx
					// and is still reading when the process dies.
					w.Header().Set("Content-Length", "10")
					w.WriteHeader(http.StatusOK)
					w.Write([]byte("ok..."))
				} else {
					// The whole answer; the kill follows at once.
					w.Header().Set("Content-Length", "0")
					w.WriteHeader(http.StatusOK)
				}
				w.(http.Flusher).Flush()
				kill()
				return http.StatusOK
			})
			burst <- 20
			select {
			case <-killed:
			case <-time.After(10 * time.Second):
				t.Logf("kill %d: no delivery arrived within 10s; killing anyway", k+1)
				kill()
			}
		case killMidAttempt:
			held := make(chan struct{}, 1)
			rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
				select {
				case held <- struct{}{}:
				default:
				}
				<-r.Context().Done() // until the process (and its connection) dies
				return 0
			})
			burst <- 10
			select {
			case <-held:
				time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
			case <-time.After(10 * time.Second):
				t.Logf("kill %d: no delivery arrived within 10s; killing anyway", k+1)
			}
			kill()
		case killDuringRetry:
			rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
				if _, seen := failFirst.LoadOrStore(rec.WebhookID, true); !seen {
					w.WriteHeader(http.StatusServiceUnavailable)
					return http.StatusServiceUnavailable
				}
				w.WriteHeader(http.StatusOK)
				return http.StatusOK
			})
			// Wait until a failed attempt has been recorded with its retry
			// time, then kill before the retry is due.
			scheduled := waitUntil(10*time.Second, func() bool {
				for _, lg := range logs(t, a, hookAll, "pending") {
					if lg["nextAttemptAt"] != nil {
						return true
					}
				}
				return false
			})
			if !scheduled {
				t.Logf("kill %d: no retry was scheduled within 10s; killing anyway", k+1)
			}
			kill()
		}
		<-killed
		// Hold new calls back, let the cut ones fail, then look at what
		// the dead process left behind.
		gate.Lock()
		rc.set(defaultBehaviour)
		db := p.inspect(t)
		var held []struct {
			Seq       int64
			ClaimedBy string
		}
		if err := db.Raw(`SELECT seq, claimed_by FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL`).Scan(&held).Error; err != nil {
			t.Fatalf("kill %d: read the killed process's database: %v", k+1, err)
		}
		closeDB(db)
		// A claim an earlier killed process still holds (its lease has
		// not run out) is the same claim, not a new chance to duplicate.
		claimed := 0
		for _, h := range held {
			c := fmt.Sprintf("%d/%s", h.Seq, h.ClaimedBy)
			if !seenClaims[c] {
				seenClaims[c] = true
				claimed++
			}
		}
		claimsAtKills += claimed
		if claimed > 0 {
			lastClaimKill = time.Now()
		}
		p.start()
		gate.Unlock()
		survived++
		t.Logf("kill %d (%s): restarted; %d new claims were in flight", k+1, point, claimed)
	}
	time.Sleep(500 * time.Millisecond)
	stop()

	// Decide the calls whose outcome the kills hid.
	for _, op := range l.unknown {
		for _, id := range op.IDs {
			code, raw, err := a.call("GET", "/api/v1/content/"+crashType+"/"+id, nil)
			if err != nil || (code != 200 && code != 404) {
				t.Fatalf("resolve %s: %d %v %s", id, code, err, raw)
			}
			var obj struct {
				Internal struct {
					LatestVersion int `json:"latestVersion"`
				} `json:"internal"`
			}
			json.Unmarshal(raw, &obj)
			switch op.Action {
			case "Create":
				if code == 200 {
					l.commit(change{"Create", id, 1})
				} else {
					l.rollBack(id)
				}
			case "Update":
				if code == 200 && obj.Internal.LatestVersion == op.Version+1 {
					l.commit(change{"Update", id, op.Version + 1})
				}
			case "Delete":
				if code == 404 {
					l.commit(change{"Delete", id, op.Version})
				}
			}
		}
	}
	if len(l.problems) > 0 {
		t.Errorf("unexpected API answers:\n%s", strings.Join(l.problems, "\n"))
	}

	want := map[changeKey]bool{}
	for _, c := range l.committed {
		for _, k := range owed(c) {
			want[k] = true
		}
	}
	acked := func() map[changeKey]bool {
		got := map[changeKey]bool{}
		for _, r := range rc.receipts() {
			if r.Status >= 200 && r.Status < 300 {
				got[r.key()] = true
			}
		}
		return got
	}
	// Claims held by a killed process come back when their lease runs out.
	wait := time.Until(lastClaimKill.Add(crashLeaseTTL)) + 30*time.Second
	allDone := waitUntil(wait, func() bool {
		got := acked()
		for k := range want {
			if !got[k] {
				return false
			}
		}
		return logCount(t, a, hookAll, "pending") == 0 && logCount(t, a, hookSaves, "pending") == 0
	})

	// 1. Every committed change's deliveries arrived at least once.
	got := acked()
	missing := 0
	for k := range want {
		if !got[k] {
			if missing < 10 {
				t.Errorf("committed change never delivered: %+v", k)
			}
			missing++
		}
	}
	if !allDone {
		db := p.inspect(t)
		var stuck []struct {
			ID, ObjectID, Action, Error string
			Attempts                    int
			ClaimedBy                   *string
			NextAttemptAt               int64
		}
		db.Raw(`SELECT id, object_id, action, error, attempts, claimed_by, next_attempt_at FROM deliveries
			WHERE status = 'pending' ORDER BY seq LIMIT 10`).Scan(&stuck)
		for _, s := range stuck {
			claimer := "<none>"
			if s.ClaimedBy != nil {
				claimer = *s.ClaimedBy
			}
			t.Logf("still pending: %s %s %s, %d attempts, claimed by %s, due in %v, error %q", s.ID, s.Action, s.ObjectID,
				s.Attempts, claimer, time.Until(time.UnixMilli(s.NextAttemptAt)).Round(time.Millisecond), s.Error)
		}
		t.Errorf("after %v: %d of %d deliveries missing, %d+%d logs still pending", wait.Round(time.Second),
			missing, len(want), logCount(t, a, hookAll, "pending"), logCount(t, a, hookSaves, "pending"))
	}

	// 2. Nothing was sent that no committed change owed; nothing at all for
	// objects that were never created.
	receipts := rc.receipts()
	for _, r := range receipts {
		if l.rolledBack[r.ObjectID] {
			t.Errorf("a rolled-back change was sent: %s %s (webhook-id %s)", r.Action, r.ObjectID, r.WebhookID)
		} else if !want[r.key()] {
			t.Errorf("a delivery no committed change owes was sent: %+v", r.key())
		}
	}

	// 3. Repeats carry the same webhook-id and the same body; one
	// webhook-id is one delivery.
	idOf := map[changeKey]string{}
	keyOf := map[string]changeKey{}
	bodyOf := map[string]string{}
	ackedOnce := map[string]bool{}
	repeats, duplicates := 0, 0
	for _, r := range receipts {
		if r.WebhookID == "" {
			t.Errorf("a request without webhook-id: %s", r.Body)
			continue
		}
		k := r.key()
		if id, ok := idOf[k]; ok {
			repeats++
			if id != r.WebhookID {
				t.Errorf("%+v was sent as %s and again as %s", k, id, r.WebhookID)
			}
		}
		idOf[k] = r.WebhookID
		if prev, ok := keyOf[r.WebhookID]; ok && prev != k {
			t.Errorf("webhook-id %s carried two changes: %+v and %+v", r.WebhookID, prev, k)
		}
		keyOf[r.WebhookID] = k
		if prev, ok := bodyOf[r.WebhookID]; ok && prev != string(r.Body) {
			t.Errorf("webhook-id %s was sent with two different bodies", r.WebhookID)
		}
		bodyOf[r.WebhookID] = string(r.Body)
		if r.Status >= 200 && r.Status < 300 {
			if ackedOnce[r.WebhookID] {
				duplicates++
			}
			ackedOnce[r.WebhookID] = true
		}
		if (r.Path == "/all") != (r.Hook == hookAll) {
			t.Errorf("webhook %s's delivery went to %s", r.Hook, r.Path)
		}
		if r.Hook == hookAll && r.Signature == "" {
			t.Errorf("signed webhook's delivery %s has no signature", r.WebhookID)
		}
	}

	// 4. Every log ends done (retention keeps the newest 300 finished).
	for _, h := range []string{hookAll, hookSaves} {
		if n := logCount(t, a, h, "pending"); n != 0 {
			t.Errorf("webhook %s: %d logs still pending", h, n)
		}
		if n := logCount(t, a, h, "error"); n != 0 {
			t.Errorf("webhook %s: %d logs ended in error", h, n)
		}
	}
	if n := logCount(t, a, hookAll, "done"); n < min(300, countHook(want, hookAll)) {
		t.Errorf("webhook all: %d done logs, want at least %d", n, min(300, countHook(want, hookAll)))
	}

	// 5. Duplicates (a 2xx answered, then the same delivery again) are
	// bounded by the claims the killed processes held.
	if duplicates > claimsAtKills {
		t.Errorf("%d duplicates, more than the %d claims in flight at the kills", duplicates, claimsAtKills)
	}

	// The signing secret and the API key never reach the process's output.
	for name, s := range map[string]string{"API key": key, "signing secret": secret, "secret key": strings.TrimPrefix(secret, "whsec_")} {
		if strings.Contains(p.out.String(), s) {
			t.Errorf("the %s appears in hookline's stdout/stderr", name)
		}
	}

	d, err := p.terminate(5 * time.Second)
	if err != nil {
		t.Errorf("SIGTERM after the run: %v (after %v)", err, d)
	}
	t.Logf("crash summary: kills survived %d/%d, deliveries checked %d (committed changes %d, rolled back %d, unknown resolved %d), receipts %d, repeats %d, duplicates after a 2xx %d (bound: %d claims in flight at kills)",
		survived, kills, len(want), len(l.committed), len(l.rolledBack), len(l.unknown), len(receipts), repeats, duplicates, claimsAtKills)
}

func countHook(want map[changeKey]bool, hook string) int {
	n := 0
	for k := range want {
		if k.Hook == hook {
			n++
		}
	}
	return n
}
