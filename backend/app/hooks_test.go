package app

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/content"
)

type oneByOne struct{ ids []string }

func (h *oneByOne) ChangedTx(_ context.Context, _ *gorm.DB, c content.Change) error {
	h.ids = append(h.ids, c.ObjectID)
	return nil
}
func (h *oneByOne) Committed()  {}
func (h *oneByOne) RolledBack() {}

type atOnce struct {
	oneByOne
	batches [][]string
}

func (h *atOnce) ChangedBatchTx(_ context.Context, _ *gorm.DB, cs []content.Change) error {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ObjectID)
	}
	h.batches = append(h.batches, ids)
	return nil
}

// hooks hands a batch at once to the listeners that take batches and one
// change at a time, in order, to the others.
func TestHooksSplitABatchForOneByOneListeners(t *testing.T) {
	t.Parallel()
	a, b := &atOnce{}, &oneByOne{}
	var h content.Hook = hooks{a, b}
	bh, ok := h.(content.BatchHook)
	if !ok {
		t.Fatal("hooks is not a content.BatchHook")
	}
	cs := []content.Change{{ObjectID: "x"}, {ObjectID: "y"}, {ObjectID: "z"}}
	if err := bh.ChangedBatchTx(context.Background(), nil, cs); err != nil {
		t.Fatal(err)
	}
	if len(a.batches) != 1 || len(a.batches[0]) != 3 || len(a.ids) != 0 {
		t.Errorf("batch listener: batches %v, one by one %v", a.batches, a.ids)
	}
	if len(b.ids) != 3 || b.ids[0] != "x" || b.ids[1] != "y" || b.ids[2] != "z" {
		t.Errorf("one-by-one listener saw %v", b.ids)
	}
}
