package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// groupSetup opens a database with a table t(k) and returns it with a
// function that holds the writer until the returned release is called, so
// that the calls made meanwhile queue up and run as one group.
func groupSetup(t *testing.T, opts Options) (*DB, func() (release func())) {
	t.Helper()
	opts.Path = filepath.Join(t.TempDir(), "hookline.db")
	db, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.InTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY)`).Error
	}); err != nil {
		t.Fatal(err)
	}
	hold := func() func() {
		entered, release := make(chan struct{}), make(chan struct{})
		go db.InTx(context.Background(), func(tx *gorm.DB) error {
			close(entered)
			<-release
			return nil
		})
		<-entered
		return func() { close(release) }
	}
	return db, hold
}

// queued waits until n calls wait for the writer.
func queued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		db.writes.mu.Lock()
		got := len(db.writes.waiting)
		db.writes.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func keys(t *testing.T, q *gorm.DB) []string {
	t.Helper()
	var ks []string
	if err := q.Raw(`SELECT k FROM t ORDER BY k`).Scan(&ks).Error; err != nil {
		t.Fatal(err)
	}
	return ks
}

type outcome struct {
	err      error
	panicked any
}

// call runs InTx in a goroutine and returns where its outcome arrives.
func call(db *DB, ctx context.Context, fn func(tx *gorm.DB) error) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				out <- outcome{panicked: p}
			}
		}()
		out <- outcome{err: db.InTx(ctx, fn)}
	}()
	return out
}

func insert(k string) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error { return tx.Exec(`INSERT INTO t(k) VALUES (?)`, k).Error }
}

func TestGroupSharesOneCommitInArrivalOrder(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	release := hold()
	const n = 10
	var order []int
	var committedSeen []int
	var outs []<-chan outcome
	for i := range n {
		outs = append(outs, call(db, context.Background(), func(tx *gorm.DB) error {
			order = append(order, i) // fns of a group run one after the other
			// Nothing of the group is committed yet: readers see no rows,
			// while the transaction sees the earlier members' rows.
			committedSeen = append(committedSeen, len(keys(t, db.R)))
			if got := len(keys(t, tx)); got != i {
				return fmt.Errorf("call %d sees %d rows in the transaction, want %d", i, got, i)
			}
			return insert(fmt.Sprintf("k%02d", i))(tx)
		}))
		queued(t, db, i+1) // arrival order is the order of the calls
	}
	release()
	for i, o := range outs {
		if r := <-o; r.err != nil || r.panicked != nil {
			t.Fatalf("call %d: %+v", i, r)
		}
	}
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("fns ran in order %v, want arrival order", order)
	}
	if slices.Max(committedSeen) != 0 {
		t.Errorf("readers saw %v committed rows during the group: it did not share one commit", committedSeen)
	}
	if got := keys(t, db.R); len(got) != n {
		t.Errorf("committed rows %v, want %d", got, n)
	}
}

func TestGroupFailingCallRollsBackOnlyItself(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	release := hold()
	boom := errors.New("boom")
	var outs []<-chan outcome
	for i := range 5 {
		k := fmt.Sprintf("k%d", i)
		fn := insert(k)
		switch i {
		case 1: // writes, then fails: its write must go
			fn = func(tx *gorm.DB) error {
				if err := insert(k)(tx); err != nil {
					return err
				}
				return boom
			}
		case 3: // a statement error
			fn = insert("k0")
		}
		outs = append(outs, call(db, context.Background(), fn))
		queued(t, db, i+1)
	}
	release()
	for i, o := range outs {
		r := <-o
		switch i {
		case 1:
			if !errors.Is(r.err, boom) {
				t.Errorf("call 1: err = %v, want boom", r.err)
			}
		case 3:
			if r.err == nil {
				t.Errorf("call 3 (duplicate key): nil error")
			}
		default:
			if r.err != nil {
				t.Errorf("call %d: %v", i, r.err)
			}
		}
	}
	if got := keys(t, db.R); !slices.Equal(got, []string{"k0", "k2", "k4"}) {
		t.Errorf("committed %v, want [k0 k2 k4]", got)
	}
}

func TestGroupPanicIsRaisedInItsCallerOnly(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	release := hold()
	type token struct{ s string }
	want := &token{"mine"}
	a := call(db, context.Background(), insert("a"))
	queued(t, db, 1)
	p := call(db, context.Background(), func(tx *gorm.DB) error {
		if err := insert("p")(tx); err != nil {
			return err
		}
		panic(want)
	})
	queued(t, db, 2)
	b := call(db, context.Background(), insert("b"))
	queued(t, db, 3)
	release()
	if r := <-p; r.panicked != want {
		t.Errorf("panicking call: %+v, want its own panic value again", r)
	}
	for _, o := range []<-chan outcome{a, b} {
		if r := <-o; r.err != nil || r.panicked != nil {
			t.Errorf("neighbour of a panic: %+v", r)
		}
	}
	if got := keys(t, db.R); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("committed %v, want [a b]", got)
	}
	// A lone call's panic rolls back as well.
	func() {
		defer func() {
			if r := recover(); r != want {
				t.Errorf("lone panic: recovered %v", r)
			}
		}()
		db.InTx(context.Background(), func(tx *gorm.DB) error {
			insert("lone")(tx)
			panic(want)
		})
	}()
	if got := keys(t, db.R); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after a lone panic, committed %v", got)
	}
}

func TestGroupCommitFailureReachesEveryCall(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	// A deferred foreign key is checked only by COMMIT.
	if err := db.InTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`CREATE TABLE child (k TEXT REFERENCES t(k) DEFERRABLE INITIALLY DEFERRED)`).Error
	}); err != nil {
		t.Fatal(err)
	}
	release := hold()
	a := call(db, context.Background(), insert("a"))
	queued(t, db, 1)
	bad := call(db, context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO child(k) VALUES ('nobody')`).Error
	})
	queued(t, db, 2)
	b := call(db, context.Background(), insert("b"))
	queued(t, db, 3)
	release()
	for i, o := range []<-chan outcome{a, bad, b} {
		if r := <-o; r.err == nil {
			t.Errorf("call %d: nil error although the commit failed", i)
		}
	}
	if got := keys(t, db.R); len(got) != 0 {
		t.Errorf("committed %v after a failed commit", got)
	}
	// The writer is usable again, alone and in a group.
	if err := db.InTx(context.Background(), insert("after")); err != nil {
		t.Fatalf("writer after a failed commit: %v", err)
	}
	release = hold()
	c1 := call(db, context.Background(), insert("g1"))
	queued(t, db, 1)
	c2 := call(db, context.Background(), insert("g2"))
	queued(t, db, 2)
	release()
	for _, o := range []<-chan outcome{c1, c2} {
		if r := <-o; r.err != nil {
			t.Fatal(r.err)
		}
	}
	if got := keys(t, db.R); !slices.Equal(got, []string{"after", "g1", "g2"}) {
		t.Errorf("committed %v", got)
	}
}

// A fn that ends the shared transaction itself (as SQLite does after an
// interrupted write) must not let the earlier calls' writes be committed
// with an autocommit nor let the later ones run outside a transaction.
func TestGroupLostTransaction(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	release := hold()
	a := call(db, context.Background(), insert("a"))
	queued(t, db, 1)
	breaker := call(db, context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`ROLLBACK`).Error
	})
	queued(t, db, 2)
	c := call(db, context.Background(), insert("c"))
	queued(t, db, 3)
	release()
	if r := <-a; r.err == nil {
		t.Error("call before the loss: nil error, but its write was rolled back")
	}
	if r := <-breaker; r.err == nil {
		t.Error("breaking call: nil error")
	}
	if r := <-c; r.err != nil {
		t.Errorf("call after the loss: %v (it should run in a fresh transaction)", r.err)
	}
	if got := keys(t, db.R); !slices.Equal(got, []string{"c"}) {
		t.Errorf("committed %v, want [c]", got)
	}
}

func TestGroupSkipsCallsWhoseContextEnded(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{})
	release := hold()
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	gone := call(db, ctx, func(tx *gorm.DB) error { ran = true; return insert("gone")(tx) })
	queued(t, db, 1)
	b := call(db, context.Background(), insert("b"))
	queued(t, db, 2)
	cancel()
	release()
	if r := <-gone; !errors.Is(r.err, context.Canceled) || ran {
		t.Errorf("cancelled call: err %v, ran %v", r.err, ran)
	}
	if r := <-b; r.err != nil {
		t.Fatal(r.err)
	}
	if got := keys(t, db.R); !slices.Equal(got, []string{"b"}) {
		t.Errorf("committed %v", got)
	}
}

func TestGroupSizeIsBounded(t *testing.T) {
	t.Parallel()
	db, hold := groupSetup(t, Options{MaxGroup: 3})
	release := hold()
	// Each fn reports how many rows its transaction saw from readers'
	// committed state: calls 0-2 share a commit, 3-5 the next, 6 its own.
	seen := make([]int, 7)
	var outs []<-chan outcome
	for i := range 7 {
		outs = append(outs, call(db, context.Background(), func(tx *gorm.DB) error {
			seen[i] = len(keys(t, db.R))
			return insert(fmt.Sprintf("k%d", i))(tx)
		}))
		queued(t, db, i+1)
	}
	release()
	for _, o := range outs {
		if r := <-o; r.err != nil {
			t.Fatal(r.err)
		}
	}
	if want := []int{0, 0, 0, 3, 3, 3, 6}; !slices.Equal(seen, want) {
		t.Errorf("committed rows seen per call %v, want %v", seen, want)
	}
}

func TestGroupCommitUnderLoad(t *testing.T) {
	t.Parallel()
	db, _ := groupSetup(t, Options{})
	boom := errors.New("boom")
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := map[string]bool{}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				k := fmt.Sprintf("w%02d-%02d", w, i)
				fail := i%7 == 3
				err := db.InTx(context.Background(), func(tx *gorm.DB) error {
					if err := insert(k)(tx); err != nil {
						return err
					}
					if fail {
						return boom
					}
					return nil
				})
				if fail != errors.Is(err, boom) || (!fail && err != nil) {
					t.Errorf("%s: err %v", k, err)
				}
				if fail {
					mu.Lock()
					failed[k] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	got := keys(t, db.R)
	if len(got) != 16*40-len(failed) {
		t.Errorf("%d rows committed, want %d", len(got), 16*40-len(failed))
	}
	for _, k := range got {
		if failed[k] {
			t.Errorf("row %s of a failed call is visible", k)
		}
	}
}
