package app

import (
	"context"
	"sync"

	"gorm.io/gorm"

	"hookline/backend/content"
	"hookline/backend/events"
)

// hooks fans each content change out to several listeners, in order. The
// first error aborts the change.
type hooks []content.Hook

func (h hooks) ChangedTx(ctx context.Context, tx *gorm.DB, c content.Change) error {
	for _, x := range h {
		if err := x.ChangedTx(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// ChangedBatchTx hands a batch's changes to each listener: at once to those
// that take batches, one by one to the others. It makes hooks a
// content.BatchHook.
func (h hooks) ChangedBatchTx(ctx context.Context, tx *gorm.DB, cs []content.Change) error {
	for _, x := range h {
		if b, ok := x.(content.BatchHook); ok {
			if err := b.ChangedBatchTx(ctx, tx, cs); err != nil {
				return err
			}
			continue
		}
		for _, c := range cs {
			if err := x.ChangedTx(ctx, tx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// TypeChangedTx hands a type change to the listeners that want them.
func (h hooks) TypeChangedTx(ctx context.Context, tx *gorm.DB, c content.TypeChange) error {
	for _, x := range h {
		if th, ok := x.(content.TypeHook); ok {
			if err := th.TypeChangedTx(ctx, tx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h hooks) Committed() {
	for _, x := range h {
		x.Committed()
	}
}

func (h hooks) RolledBack() {
	for _, x := range h {
		x.RolledBack()
	}
}

// contentEvents tells open screens that a type's objects changed, so lists
// refresh from an event instead of polling. It publishes after the commit,
// once per type, with {"contentType": name}.
type contentEvents struct {
	bus     *events.Bus
	mu      sync.Mutex
	pending map[string]struct{}
}

func newContentEvents(bus *events.Bus) *contentEvents {
	return &contentEvents{bus: bus, pending: map[string]struct{}{}}
}

func (e *contentEvents) ChangedTx(_ context.Context, _ *gorm.DB, c content.Change) error {
	e.mu.Lock()
	e.pending[c.ContentType] = struct{}{}
	e.mu.Unlock()
	return nil
}

// RolledBack keeps what is pending: the next commit publishes it, and an
// event for a type that did not change only costs a refresh.
func (e *contentEvents) RolledBack() {}

// Committed publishes what is pending: the committed transaction's types,
// plus possibly those of a write still in flight or one that rolled back
// (writes share transactions under group commit). An early or extra event
// only costs a list refresh; a missing one cannot happen, because every
// change's own Committed call publishes after its commit.
func (e *contentEvents) Committed() {
	e.mu.Lock()
	types := e.pending
	e.pending = map[string]struct{}{}
	e.mu.Unlock()
	for t := range types {
		e.bus.Publish(events.Event{Type: "content", Data: map[string]string{"contentType": t}})
	}
}
