package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"gorm.io/gorm"
)

// InTx runs fn inside one immediate transaction on the writer. When InTx
// returns nil, fn's writes are committed (durable as WAL with
// synchronous=NORMAL makes any commit); when it returns an error, none of
// them are visible. fn's error, or a panic, rolls fn's writes back; a panic
// is raised again in the caller's goroutine with the same value.
//
// Group commit: SQLite has one writer, so concurrent InTx calls queue for it
// anyway. Rather than one transaction and one commit each, the calls that
// are waiting when the writer frees up run together, in arrival order, in
// one transaction: each fn inside its own SAVEPOINT, so that a failing fn
// rolls back only its own writes and gets its own error, and one commit for
// all of them (at most Options.MaxGroup). A lone call never waits for
// company, and runs without a savepoint. There is no writer goroutine: the
// first waiting caller leads a group and hands the lead to the next waiter.
// Consequences for fn:
//
//   - fn may run on another caller's goroutine;
//   - a later fn in the group sees the writes of the earlier ones;
//   - fn's statements are not interrupted when ctx ends: SQLite answers an
//     interrupted write by rolling back the whole transaction, and with it
//     the other callers' writes. A ctx that has ended before fn starts
//     skips fn, and InTx returns ctx.Err(). fn can still check ctx itself.
//
// If the shared transaction is lost anyway (SQLite rolled it back under a
// fn, or the commit failed), every fn that had succeeded in it gets an error
// and the calls not yet run get a fresh transaction.
func (db *DB) InTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.pg != nil {
		return db.inTxPostgres(ctx, fn)
	}
	c := &txCall{ctx: ctx, fn: fn, wake: make(chan struct{}, 1)}
	leader := db.writes.join(c)
	for {
		if leader {
			db.lead() // c is first in the queue, so it is in this group
		}
		<-c.wake
		if c.done {
			break
		}
		leader = true // promoted
	}
	switch {
	case c.panicked:
		panic(c.panicVal)
	case c.goexit:
		runtime.Goexit()
	}
	return c.err
}

// txCall is one InTx call and, once done, its outcome.
type txCall struct {
	ctx context.Context
	fn  func(tx *gorm.DB) error
	// wake is signalled when the call is done, or when its caller must lead
	// the next group.
	wake chan struct{}
	done bool

	err      error
	panicked bool
	panicVal any
	goexit   bool
}

func (c *txCall) failed() bool { return c.err != nil || c.panicked || c.goexit }

// run calls fn, capturing a panic or runtime.Goexit as the call's outcome.
// fn's statements run under a ctx that keeps c.ctx's values but cannot be
// cancelled (see InTx).
func (c *txCall) run(tx *gorm.DB) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if p := recover(); p != nil {
			c.panicked, c.panicVal = true, p
		} else {
			// recover() is nil only for runtime.Goexit (panic(nil) arrives as
			// a *runtime.PanicNilError): the goroutine is ending, and the
			// deferred cleanup in lead and runTx finishes the group.
			c.goexit = true
		}
	}()
	c.err = c.fn(tx.WithContext(context.WithoutCancel(c.ctx)))
	returned = true
}

// writeQueue holds the InTx calls waiting for the writer. Invariant: when
// nobody leads, nobody waits; so a call that finds no leader is first in
// line and leads at once, and a leader hands over to the first waiter.
type writeQueue struct {
	max     int
	mu      sync.Mutex
	waiting []*txCall
	leading bool
}

// join queues c and reports whether its caller must lead.
func (q *writeQueue) join(c *txCall) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, c)
	if q.leading {
		return false
	}
	q.leading = true
	return true
}

// take removes the next group (the leader's own call first) from the queue.
func (q *writeQueue) take() []*txCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.waiting), max(q.max, 1))
	group := make([]*txCall, n)
	copy(group, q.waiting)
	rest := copy(q.waiting, q.waiting[n:])
	clear(q.waiting[rest:])
	q.waiting = q.waiting[:rest]
	return group
}

// handOff returns the next leader, or nil after stepping down when nobody
// waits.
func (q *writeQueue) handOff() *txCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		q.leading = false
		return nil
	}
	return q.waiting[0]
}

// errAbandoned is the outcome of the calls of a group whose leader's
// goroutine ended inside a fn (runtime.Goexit, as t.FailNow does).
var errAbandoned = errors.New("store: write abandoned: a function in the same transaction ended its goroutine")

// lead runs one group, then hands the lead over and tells the group's
// callers their outcomes.
func (db *DB) lead() {
	group := db.writes.take()
	ran := false
	defer func() {
		if !ran { // runtime.Goexit inside a fn: runTx rolled back
			for _, c := range group {
				if !c.failed() {
					c.err = errAbandoned
				}
			}
		}
		if next := db.writes.handOff(); next != nil {
			next.wake <- struct{}{}
		}
		for _, c := range group {
			c.done = true
			c.wake <- struct{}{}
		}
	}()
	var calls []*txCall
	for _, c := range group {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		calls = append(calls, c)
	}
	for len(calls) > 0 {
		calls = db.runTx(calls)
	}
	ran = true
}

// savepoint is the name each grouped fn runs under. Grouped fns run one
// after the other, so one name serves them all; gorm's nested transactions
// use names of their own.
const savepoint = "hookline_call"

// runTx runs calls in one transaction and commits it. It returns the calls
// it did not get to because the transaction was lost.
func (db *DB) runTx(calls []*txCall) (rest []*txCall) {
	tx := db.W.WithContext(context.Background()).Begin()
	if err := tx.Error; err != nil {
		for _, c := range calls {
			c.err = err
		}
		return nil
	}
	open := true
	defer func() {
		if open { // runtime.Goexit inside a fn
			tx.Rollback()
		}
	}()
	if len(calls) == 1 {
		c := calls[0]
		c.run(tx)
		open = false
		if c.failed() {
			tx.Rollback()
			return nil
		}
		c.err = db.commit(tx)
		return nil
	}
	var ok []*txCall
	for i, c := range calls {
		err := tx.Exec(`SAVEPOINT ` + savepoint).Error
		if err == nil {
			c.run(tx)
			if c.failed() {
				err = tx.Exec(`ROLLBACK TO ` + savepoint).Error
				if err == nil {
					err = tx.Exec(`RELEASE ` + savepoint).Error
				}
			} else if err = tx.Exec(`RELEASE ` + savepoint).Error; err == nil {
				ok = append(ok, c)
			}
		}
		if err != nil {
			// The transaction is gone (SQLite rolls back the whole of it
			// after an interrupted write or an I/O error) or unusable.
			// Nothing of it may be committed.
			open = false
			tx.Rollback()
			if !c.failed() {
				c.err = fmt.Errorf("store: transaction lost: %w", err)
			}
			lost(ok, err)
			return calls[i+1:]
		}
	}
	open = false
	if err := db.commit(tx); err != nil {
		for _, c := range ok {
			c.err = err
		}
	}
	return nil
}

// commit commits tx. SQLite keeps the transaction open when its COMMIT
// fails (on a deferred foreign key, say), while database/sql has already
// given the connection back; rolling it back there lets the writer's next
// BEGIN work.
func (db *DB) commit(tx *gorm.DB) error {
	err := tx.Commit().Error
	if err != nil {
		db.W.Exec(`ROLLBACK`) // fails harmlessly if SQLite ended it already
	} else if db.ckpt != nil {
		db.ckpt.committed()
	}
	return err
}

// lost gives the calls that had succeeded in a transaction that was then
// rolled back their error.
func lost(ok []*txCall, cause error) {
	for _, c := range ok {
		c.err = fmt.Errorf("store: rolled back with the transaction it shared with other writes: %w", cause)
	}
}
