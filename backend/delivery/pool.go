package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"hookline/backend/events"
)

// run is one Start..Stop lifetime of the pool.
type run struct {
	// token marks this run's claims, so that its extend, complete and
	// release statements touch only rows it still holds.
	token string

	stopClaiming context.CancelFunc // dispatcher stops; queued jobs are released
	abortSends   context.CancelFunc // in-flight attempts are cut short
	claimCtx     context.Context

	jobs     chan *job
	outcomes chan *outcome
	// inFlight counts claimed jobs not yet attempted; it bounds how far
	// the dispatcher claims ahead of the workers.
	inFlight atomic.Int64
	slotFree chan struct{}

	mu   sync.Mutex
	held map[int64]struct{} // claimed and not yet written back: the leases to extend

	done chan struct{} // closed when every goroutine has finished
	// abortedSends records whether Stop had to cut attempts short.
	abortedSends atomic.Bool
}

// completeLinger is how long the completer waits to grow a batch. It delays
// only the "done" record and event, never a request.
const completeLinger = 2 * time.Millisecond

// maxHeld is how many claimed deliveries a run holds at most: enough for
// every worker plus one batch queued behind them, so workers never wait for
// a claim and a claim never waits for workers.
func (s *Service) maxHeld() int { return s.opts.Workers + s.opts.BatchSize }

// Start starts the pool: one dispatcher that claims due deliveries in
// batches, Workers senders, and one completer that writes outcomes in
// batches. It returns at once. Cancelling ctx stops the pool abruptly
// (in-flight attempts are cut short and handed back); Stop is the graceful way.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil {
		return errors.New("delivery: pool already started")
	}
	hwm, err := s.maxSeq(ctx)
	if err != nil {
		return fmt.Errorf("delivery: start: %w", err)
	}
	r := &run{
		token:    newID()[len("msg_"):],
		jobs:     make(chan *job, s.maxHeld()),
		outcomes: make(chan *outcome, s.maxHeld()),
		slotFree: make(chan struct{}, 1),
		held:     map[int64]struct{}{},
		done:     make(chan struct{}),
	}
	r.claimCtx, r.stopClaiming = context.WithCancel(ctx)
	sendCtx, abortSends := context.WithCancel(ctx)
	r.abortSends = abortSends

	var workers sync.WaitGroup
	for range s.opts.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			s.work(sendCtx, r)
		}()
	}
	completed := make(chan struct{})
	go func() {
		defer close(completed)
		s.complete(r)
	}()
	go s.dispatch(r, hwm)
	relayDone := make(chan struct{})
	go func() {
		defer close(relayDone)
		s.relay(r.claimCtx)
	}()
	go func() {
		// jobs is closed by the dispatcher; once the workers have
		// drained it, nothing else can produce an outcome.
		workers.Wait()
		close(r.outcomes)
		<-completed
		abortSends()
		<-relayDone
		close(r.done)
	}()
	s.run = r
	// Anything already due (a backlog from the last run, expired leases
	// of a crashed one) is claimed at once.
	s.Notify()
	return nil
}

// Stop stops the pool gracefully: no new claims, queued jobs are handed back
// at once, and in-flight attempts may finish until ctx is done; then they
// are cut short and handed back too. Every claim is released before Stop
// returns, so nothing waits out a lease on the next start. The final writes
// run even after ctx is done. Stop returns ctx's error if it had to cut
// attempts short.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	r := s.run
	s.run = nil
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	r.stopClaiming()
	select {
	case <-r.done:
	case <-ctx.Done():
		r.abortedSends.Store(true)
		r.abortSends()
		<-r.done
	}
	s.send.closeIdle()
	if r.abortedSends.Load() {
		return fmt.Errorf("delivery: stop: attempts cut short: %w", ctx.Err())
	}
	return nil
}

func (r *run) hold(seq int64) {
	r.mu.Lock()
	r.held[seq] = struct{}{}
	r.mu.Unlock()
}

func (r *run) drop(seq int64) {
	r.mu.Lock()
	delete(r.held, seq)
	r.mu.Unlock()
}

func (r *run) heldSeqs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]int64, 0, len(r.held))
	for seq := range r.held {
		out = append(out, seq)
	}
	return out
}

// dispatch claims due deliveries and hands them to the workers. It never
// polls: it sleeps until Notify, a freed worker slot, the earliest stored
// next_attempt_at, or the next lease extension, whichever comes first.
func (s *Service) dispatch(r *run, hwm int64) {
	defer close(r.jobs)
	ctx := r.claimCtx
	extendEvery := s.opts.ExtendEvery
	nextExtend := time.Now().Add(extendEvery)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	minClaim := max(1, s.opts.BatchSize/2)

	woken := true // Start notifies, so the first pass announces anyway
	for ctx.Err() == nil {
		if woken && s.opts.Bus != nil && s.announced == nil {
			// On a shared database new rows are announced from their
			// notifications instead (see shared.go).
			hwm = s.announce(ctx, hwm)
		}
		woken = false
		free := s.maxHeld() - int(r.inFlight.Load())
		full := free < minClaim && r.inFlight.Load() > 0
		if !full {
			n := min(free, s.opts.BatchSize)
			jobs, err := s.claim(ctx, r.token, n)
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("delivery: claim failed", "err", err)
				// The database is in trouble; retry soon, not in a loop.
				sleep(ctx, time.Second)
				continue
			}
			for _, j := range jobs {
				if s.opts.Bus != nil && j.attempts == 0 {
					// Committed after the last announce and claimed at
					// once: announce it here, before a worker can
					// finish it, so "pending" never follows "done".
					s.announceClaim(j, hwm)
				}
				r.hold(j.seq)
				r.inFlight.Add(1)
				r.jobs <- j // never blocks: cap is maxHeld
			}
			if len(jobs) == n {
				continue // a full batch: more may be due
			}
		}

		wait := time.Until(nextExtend)
		if !full {
			due, ok, err := s.earliestDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("delivery: read next due time", "err", err)
			}
			if ok {
				wait = min(wait, due.Sub(s.opts.Now()))
			}
		}
		if s.remote != nil {
			wait = min(wait, sharedWake) // a lost notification (see shared.go)
		}
		// Claims pushed next_attempt_at to lease expiries, so a due time
		// in the past means only that rows are waiting for capacity, and
		// slotFree covers that; never spin on it.
		wait = max(wait, time.Millisecond)
		timer.Reset(wait)
		var slotFree <-chan struct{}
		var wake <-chan struct{}
		if full {
			slotFree = r.slotFree
		} else {
			wake = s.wake
		}
		select {
		case <-ctx.Done():
		case <-wake:
			woken = true // only a commit can add logs to announce
		case <-slotFree:
		case <-timer.C:
		}
		if time.Now().After(nextExtend) {
			if err := s.extend(ctx, r.token, r.heldSeqs()); err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("delivery: extend leases", "err", err)
			}
			nextExtend = time.Now().Add(extendEvery)
		}
	}
}

// work runs attempts. Once claiming has stopped, queued jobs are handed back
// unsent rather than started.
func (s *Service) work(sendCtx context.Context, r *run) {
	for j := range r.jobs {
		var o *outcome
		if r.claimCtx.Err() != nil {
			o = &outcome{job: j, released: true, at: s.opts.Now()}
		} else {
			o = s.attemptOne(sendCtx, j)
		}
		r.inFlight.Add(-1)
		select {
		case r.slotFree <- struct{}{}:
		default:
		}
		r.outcomes <- o
	}
}

// attemptOne sends j once and decides what happens next. A panic is caught
// and treated as a failed attempt, so one bad delivery cannot stop the pool.
func (s *Service) attemptOne(ctx context.Context, j *job) (o *outcome) {
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("delivery: attempt panicked", "delivery", j.id, "panic", p, "stack", string(debug.Stack()))
			o = s.decide(j, attempt{startedAt: s.opts.Now(), failure: "Internal error while sending"})
		}
	}()
	a := s.send.send(ctx, j)
	if ctx.Err() != nil && a.code == 0 {
		// Cut short by shutdown: not the receiver's fault, so it does
		// not count. The row goes back to the queue.
		return &outcome{job: j, released: true, at: s.opts.Now()}
	}
	return s.decide(j, a)
}

// decide turns an attempt into the delivery's next state: 2xx is done, 410
// gives up at once, anything else is retried per the policy until it runs
// out.
func (s *Service) decide(j *job, a attempt) *outcome {
	now := s.opts.Now()
	o := &outcome{job: j, att: a, at: now}
	switch {
	case a.code >= 200 && a.code < 300:
		// Accepted, even if the response body then broke off: the
		// receiver has the message, and sending it again is the worse error.
		// The record still says so ("Response body incomplete: …").
		o.status, o.result = StatusDone, StatusDone
		o.errMsg = a.failure
		o.next = now
		return o
	case a.code == http.StatusGone:
		o.status, o.result = StatusError, StatusError
		o.errMsg = "HTTP " + a.status + ": the receiver asked for no more deliveries"
		o.next = now
		return o
	case a.code >= 300 && a.code < 400:
		o.errMsg = "HTTP " + a.status + ": redirects are not followed"
		if a.location != "" {
			o.errMsg += " (Location: " + a.location + ")"
		}
	case a.code != 0:
		o.errMsg = "HTTP " + a.status
	}
	if a.failure != "" {
		if o.errMsg != "" {
			o.errMsg += "; "
		}
		o.errMsg += a.failure
	}
	next, ok := s.opts.Retry.NextAttempt(j.attempts+1, now, a.retryAfter)
	if ok {
		o.status, o.result, o.next = StatusPending, resultRetry, next
	} else {
		o.status, o.result, o.next = StatusError, StatusError, now
	}
	return o
}

// complete writes outcomes in batches: whatever has arrived since the last
// write goes into one transaction, with retention for the webhooks it
// touched. Writes ignore cancellation, so a stopping pool still records what
// it did.
func (s *Service) complete(r *run) {
	ctx := context.WithoutCancel(r.claimCtx)
	limit := s.opts.BatchSize
	batch := make([]*outcome, 0, limit)
	linger := time.NewTimer(time.Hour)
	defer linger.Stop()
	for o := range r.outcomes {
		batch = append(batch[:0], o)
		// Wait a moment for more: each write has a fixed cost (commit,
		// retention per webhook), so under load a few milliseconds buys
		// much larger batches; a lone outcome is written after completeLinger.
		linger.Reset(completeLinger)
	gather:
		for len(batch) < limit {
			select {
			case o, ok := <-r.outcomes:
				if !ok {
					break gather
				}
				batch = append(batch, o)
			case <-linger.C:
				break gather
			}
		}
		s.writeOutcomes(ctx, r, batch)
	}
	// Every outcome has been written or handed back, so nothing should be
	// held; this is the safety net that keeps Stop's promise regardless.
	if seqs := r.heldSeqs(); len(seqs) > 0 {
		if err := s.release(ctx, r.token, seqs); err != nil {
			s.opts.Logger.Error("delivery: release claims", "err", err, "count", len(seqs))
		}
	}
}

func (s *Service) writeOutcomes(ctx context.Context, r *run, batch []*outcome) {
	var written []*outcome
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		var err error
		if written, err = completeTx(tx, r.token, batch); err != nil {
			return err
		}
		if len(written) < len(batch) {
			for _, o := range batch {
				if !o.released && !slices.Contains(written, o) {
					s.opts.Logger.Warn("delivery: lease lost before the outcome was written", "delivery", o.job.id)
				}
			}
		}
		var touched []string
		for _, o := range written {
			if o.status != StatusPending && !slices.Contains(touched, o.job.webhookID) {
				touched = append(touched, o.job.webhookID)
			}
		}
		return s.retainTx(tx, touched)
	})
	if err != nil {
		// Hand the rows back so they are sent again; if even that
		// fails, their leases expire and they come back anyway.
		s.opts.Logger.Error("delivery: write outcomes", "err", err, "count", len(batch))
		seqs := make([]int64, len(batch))
		for i, o := range batch {
			seqs[i] = o.job.seq
		}
		if err := s.release(ctx, r.token, seqs); err != nil {
			s.opts.Logger.Error("delivery: release after failed write", "err", err)
		}
	}
	for _, o := range batch {
		r.drop(o.job.seq)
	}
	if err != nil {
		return
	}
	retried := false
	for _, o := range written {
		retried = retried || o.status == StatusPending
		if s.opts.Bus != nil {
			s.opts.Bus.Publish(events.Event{Type: "delivery", Data: s.withMax(o.summary())})
		}
	}
	if retried {
		s.Notify() // a retry may be due before the dispatcher's timer
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
