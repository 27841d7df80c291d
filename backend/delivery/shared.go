package delivery

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"hookline/backend/events"
)

// Several instances may share a PostgreSQL database (store.DB.Shared). The
// database notifies every instance of what the others commit (see
// migrations_postgres/0013_change_notify.sql), and this file turns that into
// what one process does for its own commits:
//
//   - "queue" (deliveries queued, a retry released) wakes the pool, as
//     Notify does after a local commit; "*" (the listener reconnected, so
//     notifications may have been lost) does too;
//   - "d:<seq>:<token>" (a delivery another instance finished or retried)
//     is read back and published on the Bus, so that the live UI on this
//     instance shows deliveries the others sent;
//   - "new:<lo>:<hi>" (deliveries queued, by any instance, with seqs in
//     that range) publishes those still pending and unclaimed. It replaces
//     announce's mark, which assumes rows commit in seq order: true for one
//     SQLite writer, not for transactions of several instances reserving
//     seqs at once, where a row committed behind the mark would never show
//     as pending. The dispatcher announces every fresh claim for the same
//     reason. Both go through announced, so each delivery shows "pending"
//     once, and never after the "done" of the claim that took it;
//   - a lost notification costs at most SharedWake: the dispatcher never
//     sleeps longer than that on a shared database.

// sharedWake is the dispatcher's longest sleep on a shared database.
const sharedWake = 5 * time.Second

// remoteBuffer bounds the delivery changes waiting to be published; past it
// subscribers are told to resync rather than the listener being blocked.
const remoteBuffer = 4096

// watchShared subscribes to the shared database's notifications.
func (s *Service) watchShared() {
	if !s.db.Shared() {
		return
	}
	s.remote = make(chan int64, remoteBuffer)
	s.inserted = make(chan [2]int64, remoteBuffer)
	s.announced = newSeqSet(announcedKept)
	s.db.Subscribe(func(payload string) {
		switch {
		case payload == "queue" || payload == "*":
			s.Notify()
		case strings.HasPrefix(payload, "new:"):
			lo, hi, _ := strings.Cut(payload[4:], ":")
			a, errA := strconv.ParseInt(lo, 10, 64)
			b, errB := strconv.ParseInt(hi, 10, 64)
			if s.opts.Bus == nil || errA != nil || errB != nil {
				return
			}
			select {
			case s.inserted <- [2]int64{a, b}:
			default:
				s.opts.Bus.Publish(events.Event{Type: "resync"})
			}
		case strings.HasPrefix(payload, "d:"):
			seq, token, _ := strings.Cut(payload[2:], ":")
			if s.opts.Bus == nil || s.ownToken(token) {
				return
			}
			n, err := strconv.ParseInt(seq, 10, 64)
			if err != nil {
				return
			}
			select {
			case s.remote <- n:
			default:
				s.opts.Bus.Publish(events.Event{Type: "resync"})
			}
		}
	})
}

// ownToken reports whether token is this process's current run's.
func (s *Service) ownToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run != nil && s.run.token == token
}

// relay publishes the delivery changes other instances made, in batches,
// until ctx ends.
func (s *Service) relay(ctx context.Context) {
	if s.remote == nil || s.opts.Bus == nil {
		return
	}
	for {
		var seqs []int64
		select {
		case <-ctx.Done():
			return
		case r := <-s.inserted:
			s.publishInserted(ctx, r[0], r[1])
			continue
		case n := <-s.remote:
			seqs = append(seqs, n)
		}
	more:
		for len(seqs) < 512 {
			select {
			case n := <-s.remote:
				seqs = append(seqs, n)
			default:
				break more
			}
		}
		var rows []summaryRow
		err := s.db.R.WithContext(ctx).Raw(`SELECT `+summaryCols+` FROM deliveries WHERE seq IN (`+s.db.Dialect().JSONInts()+`) ORDER BY seq`,
			jsonInts(seqs)).Scan(&rows).Error
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("delivery: read deliveries changed elsewhere", "err", err)
			}
			continue
		}
		for _, r := range rows {
			s.opts.Bus.Publish(events.Event{Type: "delivery", Data: s.withMax(r.summary())})
		}
	}
}

// publishInserted publishes the deliveries with seqs in [lo, hi] that are
// still pending and unclaimed, as announce does for the rows past its mark.
// A claimed or finished row is left to the events of whoever claimed it.
func (s *Service) publishInserted(ctx context.Context, lo, hi int64) {
	for {
		var rows []summaryRow
		err := s.db.R.WithContext(ctx).Raw(`SELECT `+summaryCols+` FROM deliveries
			WHERE seq BETWEEN ? AND ? AND status = 'pending' AND claimed_by IS NULL ORDER BY seq LIMIT 1000`, lo, hi).Scan(&rows).Error
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("delivery: read deliveries queued elsewhere", "err", err)
			}
			return
		}
		for _, r := range rows {
			s.announced.once(r.Seq, func() {
				s.opts.Bus.Publish(events.Event{Type: "delivery", Data: s.withMax(r.summary())})
			})
			lo = r.Seq + 1
		}
		if len(rows) < 1000 {
			return
		}
	}
}

// announceClaim publishes a fresh claim as pending, unless it was announced
// already: on one SQLite writer, the rows up to hwm were; on a shared
// database, those in announced were (rows commit out of seq order there).
func (s *Service) announceClaim(j *job, hwm int64) {
	publish := func() { s.opts.Bus.Publish(events.Event{Type: "delivery", Data: s.withMax(j.pendingSummary())}) }
	switch {
	case s.announced != nil:
		s.announced.once(j.seq, publish)
	case j.seq > hwm:
		publish()
	}
}

func jsonInts(seqs []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range seqs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// announcedKept bounds the seqs remembered as announced: a delivery is
// announced within moments of its commit, so only recent ones matter.
const announcedKept = 1 << 16

// seqSet remembers the last n seqs added, for telling a first announcement
// from a repeat; safe for concurrent use.
type seqSet struct {
	mu   sync.Mutex
	has  map[int64]struct{}
	ring []int64
	next int
}

func newSeqSet(n int) *seqSet {
	return &seqSet{has: make(map[int64]struct{}, n), ring: make([]int64, 0, n)}
}

// once runs fn if seq is new, and records it. fn runs under the set's lock,
// so that the claim of a row the relay is announcing waits for that
// announcement: its worker's "done" cannot be published before it.
func (s *seqSet) once(seq int64, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.has[seq]; ok {
		return
	}
	fn()
	if len(s.ring) < cap(s.ring) {
		s.ring = append(s.ring, seq)
	} else {
		delete(s.has, s.ring[s.next])
		s.ring[s.next] = seq
		s.next = (s.next + 1) % len(s.ring)
	}
	s.has[seq] = struct{}{}
}
