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

func (h hooks) Committed() {
	for _, x := range h {
		x.Committed()
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

// Committed publishes what is pending. Writes are serialised by the single
// writer, so pending holds the committed transaction's types, plus at most
// those of a transaction that rolled back, which only costs a refresh.
func (e *contentEvents) Committed() {
	e.mu.Lock()
	types := e.pending
	e.pending = map[string]struct{}{}
	e.mu.Unlock()
	for t := range types {
		e.bus.Publish(events.Event{Type: "content", Data: map[string]string{"contentType": t}})
	}
}
