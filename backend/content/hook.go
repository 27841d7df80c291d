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
// change, and once after that transaction commits, to wake whoever waits.
type Hook interface {
	ChangedTx(ctx context.Context, tx *gorm.DB, c Change) error
	Committed()
}
