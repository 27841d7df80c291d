package delivery

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RetryPolicy decides when a failed delivery is attempted again. It is given
// the time of the failure rather than reading a clock, so tests drive it
// with fixed times.
type RetryPolicy interface {
	// NextAttempt returns when to start the next attempt after `failed`
	// attempts have failed, the last one at failedAt. retryAfter is the
	// receiver's Retry-After (0 when absent or invalid). ok is false when
	// the delivery should give up.
	NextAttempt(failed int, failedAt time.Time, retryAfter time.Duration) (next time.Time, ok bool)
}

// DefaultRetryDelays is the schedule of issue 4: 10s, 1m, 5m, 30m, 2h.
func DefaultRetryDelays() []time.Duration {
	return []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
}

// Schedule is the default RetryPolicy: a fixed list of delays with
// proportional jitter, so that deliveries that failed together (a receiver
// outage) do not all come back in the same instant.
type Schedule struct {
	delays []time.Duration
	max    time.Duration
	jitter float64

	mu  sync.Mutex // rand.Source is not safe for concurrent use
	rnd *rand.Rand
}

// NewSchedule returns a Schedule with these delays, each varied by up to
// ±jitter (0.2 = ±20%), drawing from src.
func NewSchedule(delays []time.Duration, jitter float64, src rand.Source) *Schedule {
	s := &Schedule{delays: append([]time.Duration(nil), delays...), jitter: jitter, rnd: rand.New(src)}
	for _, d := range delays {
		s.max = max(s.max, d)
	}
	return s
}

// NextAttempt implements RetryPolicy. After the nth failure it waits
// delays[n-1] ± jitter; after len(delays) failures it gives up. A Retry-After
// from the receiver replaces the scheduled wait, capped at the schedule's
// largest step so that a receiver cannot park a delivery for days; jitter is
// not applied to it, since the receiver named the time.
func (s *Schedule) NextAttempt(failed int, failedAt time.Time, retryAfter time.Duration) (time.Time, bool) {
	if failed < 1 || failed > len(s.delays) {
		return time.Time{}, false
	}
	if retryAfter > 0 {
		return failedAt.Add(min(retryAfter, s.max)), true
	}
	d := s.delays[failed-1]
	if s.jitter > 0 {
		s.mu.Lock()
		f := s.rnd.Float64()
		s.mu.Unlock()
		d = time.Duration(float64(d) * (1 + s.jitter*(2*f-1)))
	}
	return failedAt.Add(d), true
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). It returns 0 for a missing, invalid or past value, so
// that the schedule applies instead.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Clamp before multiplying so that a huge value cannot overflow
		// into a negative duration.
		return time.Duration(min(secs, int64(365*24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// MaxAttempts is how many attempts the schedule makes before giving up: the
// first one and one after each delay.
func (s *Schedule) MaxAttempts() int { return len(s.delays) + 1 }
