package content

import (
	"context"

	"gorm.io/gorm"
)

// Actions a Change can carry.
const (
	ActionCreate = "Create"
	ActionUpdate = "Update"
	ActionDelete = "Delete"
	ActionCustom = "Custom"
)

// Change is one change to a content object, as seen inside the transaction
// that makes it.
type Change struct {
	Action      string
	ContentType string
	ObjectID    string
	// Version is the version the change produced; for Delete, the last
	// version the object had.
	Version int
	// Object is the whole object as of Version, "internal" block included.
	// Nil for Delete.
	Object map[string]any
}

// Hook is told of every change inside the transaction that makes it, so that
// what it writes (queued webhook deliveries) commits or rolls back with the
// change; then once of the outcome: Committed, to wake whoever waits, or
// RolledBack, when changes it saw did not commit after all (a later error,
// or a shared group commit that failed), so it can drop what it derived
// from them.
type Hook interface {
	ChangedTx(ctx context.Context, tx *gorm.DB, c Change) error
	Committed()
	RolledBack()
}

// BatchHook is implemented by a Hook that can take the changes of one batch
// call at once. A batch then hands them over together, inside the same
// transaction, after its last item is written: the hook queues all their
// deliveries in one multi-row statement pair instead of one pair per
// object. The changes arrive in item order.
type BatchHook interface {
	ChangedBatchTx(ctx context.Context, tx *gorm.DB, cs []Change) error
}

// TypeChange is one change to a content type definition, as seen inside the
// transaction that makes it.
type TypeChange struct {
	// Action is ActionCreate, ActionUpdate or ActionDelete.
	Action string
	Name   string
	// ID is the definition's id.
	ID string
	// Definition is the whole definition after the change, as the API
	// returns it; nil for Delete.
	Definition Definition
}

// TypeHook is implemented by a Hook that also wants type definition changes
// (CTD webhooks). They are reported like object changes: inside the
// transaction, then Committed or RolledBack.
type TypeHook interface {
	TypeChangedTx(ctx context.Context, tx *gorm.DB, c TypeChange) error
}
