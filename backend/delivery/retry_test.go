package delivery

import (
	"math"
	"net/http"
	"testing"
	"time"
)

// fixedSource makes jitter deterministic: rand.Float64 reads the low 53 bits,
// so it returns (u mod 2^53) / 2^53.
type fixedSource uint64

func (f fixedSource) Uint64() uint64 { return uint64(f) }

const (
	jitterLow  = fixedSource(0)              // -20%
	jitterMid  = fixedSource(1 << 52)        // no change
	jitterHigh = fixedSource(math.MaxUint64) // +20% (just under)
)

func TestScheduleNextAttempt(t *testing.T) {
	t.Parallel()
	failedAt := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) // the fake clock's "now"
	tests := []struct {
		name       string
		src        fixedSource
		failed     int
		retryAfter time.Duration
		want       time.Duration
		ok         bool
	}{
		{"1st failure waits 10s", jitterMid, 1, 0, 10 * time.Second, true},
		{"2nd failure waits 1m", jitterMid, 2, 0, time.Minute, true},
		{"3rd failure waits 5m", jitterMid, 3, 0, 5 * time.Minute, true},
		{"4th failure waits 30m", jitterMid, 4, 0, 30 * time.Minute, true},
		{"5th failure waits 2h", jitterMid, 5, 0, 2 * time.Hour, true},
		{"6th failure gives up", jitterMid, 6, 0, 0, false},
		{"no failure yet is not a retry", jitterMid, 0, 0, 0, false},
		{"jitter low end -20%", jitterLow, 1, 0, 8 * time.Second, true},
		{"jitter high end +20%", jitterHigh, 2, 0, 72 * time.Second, true},
		{"Retry-After replaces the step", jitterLow, 3, 30 * time.Second, 30 * time.Second, true},
		{"Retry-After longer than the step", jitterMid, 1, 10 * time.Minute, 10 * time.Minute, true},
		{"Retry-After capped at the largest step", jitterMid, 1, 5 * time.Hour, 2 * time.Hour, true},
		{"Retry-After does not extend the schedule", jitterMid, 6, time.Second, 0, false},
	}
	for _, tt := range tests {
		s := NewSchedule(DefaultRetryDelays(), 0.2, tt.src)
		next, ok := s.NextAttempt(tt.failed, failedAt, tt.retryAfter)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		// The high end is just under +20%; allow a microsecond.
		if got := next.Sub(failedAt); got < tt.want-time.Microsecond || got > tt.want {
			t.Errorf("%s: waits %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestScheduleJitterStaysInBand(t *testing.T) {
	t.Parallel()
	opts := Options{}
	opts.defaults()
	now := time.Unix(0, 0)
	seen := map[time.Duration]bool{}
	for range 1000 {
		next, ok := opts.Retry.NextAttempt(1, now, 0)
		d := next.Sub(now)
		if !ok || d < 8*time.Second || d > 12*time.Second {
			t.Fatalf("default schedule: %v, %v", d, ok)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 1000: jitter is not spreading retries", len(seen))
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"120", 2 * time.Minute},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"99999999999999999", 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
