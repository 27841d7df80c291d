package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"hookline/backend/app"
)

// gormLRU is the expiry goroutine of gorm's prepared-statement cache. gorm
// never stops it (its source says so: "done channel is never closed"), so
// each gorm handle opened with PrepareStmt keeps one for the life of the
// process. The store opens two (writer and readers) per database, once;
// checkGormLRU makes sure that stays true, so ignoring them hides no growth.
const gormLRU = "gorm.io/gorm/internal/lru.NewLRU[...].func1"

func gormLRUCount() int {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "gorm.io/gorm/internal/lru.NewLRU[...].func1()")
}

func checkGormLRU(t *testing.T, before int) {
	// The app opened one database: two handles, two goroutines.
	if got := gormLRUCount() - before; got > 2 {
		t.Errorf("%d new gorm statement-cache goroutines, want at most 2 (one per handle of the one database)", got)
	}
}

// busy reports whether text shows SQLite lock contention reaching a caller.
func busy(text string) bool {
	l := strings.ToLower(text)
	return strings.Contains(l, "database is locked") || strings.Contains(l, "sqlite_busy") || strings.Contains(l, "database table is locked")
}

// TestLoad runs eight concurrent API writers against the delivery engine,
// which sends every change to a receiver in this process and to an inbox of
// the same app (so inbox writes contend too). Nothing may answer 5xx or
// report a locked database, every delivery must finish, and once the app is
// closed no goroutine of it may be left.
//
// It is not parallel: goleak compares goroutines before and after, so
// nothing else may start any meanwhile.
func TestLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), goleak.IgnoreTopFunction(gormLRU))
	defer checkGormLRU(t, gormLRUCount())
	run := pick(10*time.Second, 60*time.Second)

	var received atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	in := startApp(t, func(c *app.Config) { c.Workers = 8; c.Timeout = 5 * time.Second })
	a := in.a
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("loaditem"))
	a.must(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "loadbox"})
	hooks := []string{
		a.must(t, 200, "POST", "/api/v1/content/_webhooks",
			webhookDef("receiver", rcv.URL+"/load", []string{"Create", "Update", "Delete"}, nil, newSecret()))["id"].(string),
		a.must(t, 200, "POST", "/api/v1/content/_webhooks",
			webhookDef("inbox", in.m.URL()+"/inbox/loadbox", []string{"Create", "Update"}, []string{"loaditem"}, ""))["id"].(string),
	}

	var calls, fiveXX, locked atomic.Int64
	var mu sync.Mutex
	var problems []string
	report := func(format string, args ...any) {
		mu.Lock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var live []string
			n := 0
			call := func(want int, method, path string, body any) bool {
				calls.Add(1)
				code, raw, err := a.call(method, path, body)
				switch {
				case err != nil:
					report("%s %s: %v", method, path, err)
				case code >= 500:
					fiveXX.Add(1)
					report("%s %s: %d %s", method, path, code, raw)
				case code != want:
					report("%s %s: %d, want %d: %s", method, path, code, want, raw)
				}
				if busy(string(raw)) {
					locked.Add(1)
				}
				return err == nil && code == want
			}
			for ctx.Err() == nil {
				n++
				id := fmt.Sprintf("l%d-%d", w, n)
				switch r := rng.IntN(100); {
				case r < 35 || len(live) == 0:
					if call(200, "POST", "/api/v1/content/loaditem", map[string]any{"id": id, "title": id, "n": n}) {
						live = append(live, id)
					}
				case r < 60:
					call(200, "PATCH", "/api/v1/content/loaditem/"+live[rng.IntN(len(live))], map[string]any{"n": n})
				case r < 70:
					i := rng.IntN(len(live))
					call(204, "DELETE", "/api/v1/content/loaditem/"+live[i], nil)
					live = append(live[:i], live[i+1:]...)
				case r < 78:
					items := []any{}
					for j := range 10 {
						items = append(items, map[string]any{"id": fmt.Sprintf("%s-%d", id, j), "title": "b"})
					}
					call(200, "POST", "/api/v1/content/loaditem/batch", items)
				case r < 85:
					call(400, "POST", "/api/v1/content/loaditem", map[string]any{"n": "no title"})
				case r < 92:
					call(200, "GET", "/api/v1/content/loaditem?limit=50&order_by=internal.updatedAt&order_direction=desc", nil)
				default:
					call(200, "GET", "/api/v1/webhooks/"+hooks[rng.IntN(2)]+"/logs?limit=20", nil)
				}
			}
		}()
	}
	wg.Wait()

	drained := waitUntil(60*time.Second, func() bool {
		return logCount(t, a, hooks[0], "pending") == 0 && logCount(t, a, hooks[1], "pending") == 0
	})
	if !drained {
		t.Errorf("deliveries still pending 60s after the writers stopped")
	}
	for _, h := range hooks {
		if n := logCount(t, a, h, "error"); n != 0 {
			t.Errorf("webhook %s: %d deliveries ended in error", h, n)
		}
	}
	in.close(t)
	rcv.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()

	if fiveXX.Load() > 0 || locked.Load() > 0 || len(problems) > 0 {
		t.Errorf("%d answers were 5xx, %d reported a locked database; first problems:\n%s",
			fiveXX.Load(), locked.Load(), strings.Join(problems, "\n"))
	}
	if busy(in.log.String()) {
		t.Errorf("the app logged a locked database:\n%s", tail(in.log.String(), 4096))
	}
	t.Logf("load summary: %v, 8 writers, %d API calls (%.0f/s), %d deliveries to the receiver, 0 5xx, 0 locked",
		run, calls.Load(), float64(calls.Load())/run.Seconds(), received.Load())
}
