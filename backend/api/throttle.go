package api

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for the failed-key throttle: a burst of AuthFailureBurst wrong
// keys per remote address, then one more per AuthFailureEvery.
const (
	DefaultAuthFailureBurst = 10
	DefaultAuthFailureEvery = time.Second
	// maxThrottled bounds the addresses remembered; past it, those idle
	// for a minute are forgotten, and if that is not enough, all are.
	maxThrottled = 10_000
)

// throttle slows repeated wrong keys from one address. Each 401 takes a
// token from that address's bucket; while the bucket is empty, API keys
// from the address are not even checked (429), so a guess that happens to
// be right tells the guesser nothing. The UI session token is still
// checked: it is only valid from this machine and is not guessable.
type throttle struct {
	every time.Duration
	burst int
	mu    sync.Mutex
	addrs map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newThrottle(every time.Duration, burst int) *throttle {
	return &throttle{every: every, burst: burst, addrs: map[string]*bucket{}}
}

// blocked reports whether addr has used up its wrong keys, and how long
// until it may try one again.
func (t *throttle) blocked(addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.addrs[addr]
	if b == nil {
		return false, 0
	}
	tokens := b.lim.Tokens()
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) * float64(t.every))
}

// failed records a wrong key from addr.
func (t *throttle) failed(addr string) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.addrs[addr]
	if b == nil {
		if len(t.addrs) >= maxThrottled {
			t.forget(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(t.every), t.burst)}
		t.addrs[addr] = b
	}
	b.last = now
	b.lim.AllowN(now, 1)
}

func (t *throttle) forget(now time.Time) {
	for a, b := range t.addrs {
		if now.Sub(b.last) > time.Minute {
			delete(t.addrs, a)
		}
	}
	if len(t.addrs) >= maxThrottled {
		clear(t.addrs)
	}
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(d/time.Second) + 1)
}
