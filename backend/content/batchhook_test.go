package content

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// batchHook is a recordingHook that also takes batches, recording each
// ChangedBatchTx call apart; with failBatch set it refuses them.
type batchHook struct {
	recordingHook
	bmu       sync.Mutex
	batches   [][]Change
	failBatch error
}

func (h *batchHook) ChangedBatchTx(ctx context.Context, tx *gorm.DB, cs []Change) error {
	h.bmu.Lock()
	defer h.bmu.Unlock()
	if h.failBatch != nil {
		return h.failBatch
	}
	// Every object of the batch is visible inside the transaction.
	for _, c := range cs {
		var n int
		tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND id = ? AND deleted_at IS NULL`, c.ContentType, c.ObjectID).Scan(&n)
		if n != 1 {
			return errInvisible
		}
	}
	h.batches = append(h.batches, append([]Change(nil), cs...))
	return nil
}

func (h *batchHook) batchesSeen() [][]Change {
	h.bmu.Lock()
	defer h.bmu.Unlock()
	return append([][]Change(nil), h.batches...)
}

// A BatchHook gets a batch's changes in one call, in item order, inside the
// transaction, and never one by one; lone writes still go one by one; a
// refused batch hands it nothing; a hook refusing the batch rolls all of
// it back.
func TestBatchHookTakesTheBatchAtOnce(t *testing.T) {
	t.Parallel()
	db, err := store.Open(context.Background(), pgtest.Options(t, t.TempDir()+"/hookline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := &batchHook{}
	s := New(db, Options{Hook: h})
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, blogpostsJSON)); err != nil {
		t.Fatal(err)
	}
	items := []map[string]any{
		mustJSON(t, `{"id":"h-1","title":"One","postContent":"x"}`),
		mustJSON(t, `{"id":"h-2","title":"Two","postContent":"x"}`),
		mustJSON(t, `{"id":"h-3","title":"Three","postContent":"x"}`),
	}
	if res, err := s.BatchCreate(ctx, "blogposts", items, false); err != nil || res.SuccessCount != 3 {
		t.Fatalf("batch create: %+v %v", res, err)
	}
	bs := h.batchesSeen()
	if len(bs) != 1 || len(bs[0]) != 3 {
		t.Fatalf("batches seen: %+v", bs)
	}
	for i, c := range bs[0] {
		if want := items[i]["id"]; c.ObjectID != want || c.Action != ActionCreate || c.Object["title"] != items[i]["title"] {
			t.Errorf("change %d: %+v, want a Create of %v", i, c, want)
		}
	}
	if changes, committed := h.snapshot(); len(changes) != 0 || committed != 1 {
		t.Errorf("per-change calls %d, commits %d; want 0 and 1", len(changes), committed)
	}

	// A lone create goes through ChangedTx.
	if _, err := s.Create(ctx, "blogposts", mustJSON(t, `{"id":"h-4","title":"Four","postContent":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if changes, _ := h.snapshot(); len(changes) != 1 || changes[0].ObjectID != "h-4" || len(h.batchesSeen()) != 1 {
		t.Errorf("lone create: changes %+v, batches %d", changes, len(h.batchesSeen()))
	}

	// A batch refused for one item hands the hook nothing.
	_, err = s.BatchCreate(ctx, "blogposts", []map[string]any{
		mustJSON(t, `{"id":"h-5","title":"Five","postContent":"x"}`),
		mustJSON(t, `{"id":"h-6","postContent":"x"}`),
	}, false)
	if errs.CodeOf(err) != errs.Invalid || len(h.batchesSeen()) != 1 {
		t.Errorf("refused batch: %v, batches %d", err, len(h.batchesSeen()))
	}

	// A hook refusing the batch rolls every item back.
	h.bmu.Lock()
	h.failBatch = hookErr("queue full")
	h.bmu.Unlock()
	_, err = s.BatchPatch(ctx, "blogposts", []map[string]any{{"id": "h-1", "title": "One!"}, {"id": "h-2", "title": "Two!"}})
	if !errors.Is(err, hookErr("queue full")) {
		t.Errorf("hook refusal: %v", err)
	}
	for _, id := range []string{"h-1", "h-2"} {
		if o, err := s.Get(ctx, "blogposts", id); err != nil || o["title"] == id+"!" || o["title"] == "One!" || o["title"] == "Two!" {
			t.Errorf("%s after a refused batch: %v %v", id, o, err)
		}
	}
	if _, err := s.Get(ctx, "blogposts", "h-5"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("h-5 written by a refused batch: %v", err)
	}
}
