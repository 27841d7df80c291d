package content

import (
	"context"
	"errors"
	"fmt"

	"hookline/backend/errs"
)

// Optimistic concurrency. A writer that loaded an object (or a type) at
// version n can say so, and the write is refused when someone else saved in
// between, instead of silently overwriting their change. The check runs
// inside the write transaction, against the row the write replaces, so no
// other write can slip between the check and the save. Writers that say
// nothing (Flotiq's clients) are unaffected.

type expectedVersionKey struct{}

// WithExpectedVersion returns ctx carrying the version the caller's next
// Replace, Patch or UpdateType expects the stored object or type to be at
// (an object's internal.latestVersion; a type's revision, see TypeVersion).
// n <= 0 means no expectation.
func WithExpectedVersion(ctx context.Context, n int) context.Context {
	if n <= 0 {
		return ctx
	}
	return context.WithValue(ctx, expectedVersionKey{}, n)
}

// VersionConflict is the error of a write whose expected version is not the
// stored one. It carries the stored version, so the client can reload or
// compare; errs.CodeOf reports it as errs.PreconditionFailed.
type VersionConflict struct {
	Current int
	err     *errs.Error
}

func (e *VersionConflict) Error() string { return e.err.Error() }

// Unwrap lets errs.CodeOf and errs.MessageOf see the coded error.
func (e *VersionConflict) Unwrap() error { return e.err }

// ConflictVersion returns the stored version named by a VersionConflict in
// err's chain.
func ConflictVersion(err error) (int, bool) {
	var vc *VersionConflict
	if errors.As(err, &vc) {
		return vc.Current, true
	}
	return 0, false
}

// checkVersion refuses the write when ctx expects another version than
// current.
func checkVersion(ctx context.Context, what string, current int) error {
	want, ok := ctx.Value(expectedVersionKey{}).(int)
	if !ok || want == current {
		return nil
	}
	return &VersionConflict{Current: current, err: errs.New(errs.PreconditionFailed,
		"%s was changed elsewhere: it is at version %d, not %d", what, current, want)}
}

// TypeVersion returns the revision of a content type: 1 when created, one
// more on every update. It is what If-Match names for a type.
func (s *Service) TypeVersion(ctx context.Context, name string) (int, error) {
	td, err := s.loadType(s.db.R.WithContext(ctx), name)
	if err != nil {
		return 0, err
	}
	return int(td.rev), nil
}

func objectWhat(typeName, id string) string { return fmt.Sprintf("Object %s/%s", typeName, id) }
