package delivery

import (
	"context"
	"strconv"
	"strings"
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
	s.db.Subscribe(func(payload string) {
		switch {
		case payload == "queue" || payload == "*":
			s.Notify()
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
