package content

import (
	"context"
	"encoding/json"
	"strings"

	"hookline/backend/errs"
)

// PreSave is asked before an object is created, updated or deleted, and may
// replace what is saved or refuse the change. It is how synchronous webhooks
// (backend/syncwebhook) take part in a save.
//
// It runs before the write transaction and outside it, so the single SQLite
// writer never waits on a receiver. The object's version it saw is checked
// again inside the transaction; if another write got there in between, the
// save fails with a Conflict (409) and the caller retries.
type PreSave interface {
	// Wants reports whether Before has anything to do for action on an
	// object of contentType. It is called on every save of a user type,
	// so it must be cheap; when it says no, the save runs exactly as it
	// would without a PreSave.
	Wants(ctx context.Context, action, contentType string) (bool, error)
	// Before returns the object to save instead of p.Object (for Delete,
	// the result is ignored), or an error that refuses the change: an
	// errs.Invalid error reaches the API caller as a 400 with its fields.
	Before(ctx context.Context, p Pending) (map[string]any, error)
}

// Pending is a change about to be saved.
type Pending struct {
	// Action is ActionCreate, ActionUpdate or ActionDelete.
	Action      string
	ContentType string
	// ObjectID is "" for a create that lets the server pick the id.
	ObjectID string
	// Object is the object as it will be saved: the request body for a
	// create or a PUT (with "id" when known), the stored object with the
	// patch merged in for a PATCH, and the stored object, internal block
	// included, for a delete. Before may change it freely: it is a copy.
	Object map[string]any
}

// versionGuard is the state of an object that pre-save checks saw; the write
// goes ahead only if the object is still in that state.
type versionGuard struct {
	id      string
	version int // 0 when the object did not exist
	live    bool
}

// errChangedMeanwhile is the answer when the object changed between the
// pre-save checks and the write.
func errChangedMeanwhile(id string) error {
	return errs.New(errs.Conflict, "Content object %q changed while its synchronous webhooks ran; retry the save", id)
}

// checkTx fails with a Conflict when the object is no longer in the state
// the pre-save checks saw. A nil guard always passes.
func (g *versionGuard) checkTx(w *txWriter, typeName string) error {
	if g == nil {
		return nil
	}
	row, err := w.row(typeName, g.id)
	if err != nil {
		return err
	}
	version := 0
	if row != nil {
		version = row.LatestVersion
	}
	if version != g.version || row.live() != g.live {
		return errChangedMeanwhile(g.id)
	}
	return nil
}

// isUserType reports whether pre-save checks apply to typeName: system
// types (webhook definitions and the like) are not content.
func isUserType(typeName string) bool { return !strings.HasPrefix(typeName, "_") }

// wants asks the PreSave, if any, about action on typeName, and when it
// wants the change makes sure the type exists (a webhook listening to every
// type must not be asked about one that is not there).
func (s *Service) wants(ctx context.Context, action, typeName string) (bool, error) {
	if s.presave == nil || !isUserType(typeName) {
		return false, nil
	}
	ok, err := s.presave.Wants(ctx, action, typeName)
	if err != nil || !ok {
		return false, err
	}
	if _, err := s.loadType(s.db.R.WithContext(ctx), typeName); err != nil {
		return false, err
	}
	return true, nil
}

// readRow reads an object's row outside any write transaction.
func (s *Service) readRow(ctx context.Context, typeName, id string) (*objectRow, error) {
	return findRowTx(s.db.R.WithContext(ctx), typeName, id)
}

// beforeCreate runs the pre-save checks of a create (an update, for a batch
// upsert naming a live object) and returns the body to save and the guard
// to check in the transaction.
func (s *Service) beforeCreate(ctx context.Context, typeName string, body map[string]any, updateExisting bool) (map[string]any, *versionGuard, error) {
	if s.presave == nil || !isUserType(typeName) {
		return body, nil, nil
	}
	// Nothing is read unless some check could apply.
	any, err := s.presave.Wants(ctx, ActionCreate, typeName)
	if err == nil && !any && updateExisting {
		any, err = s.presave.Wants(ctx, ActionUpdate, typeName)
	}
	if err != nil || !any {
		return body, nil, err
	}
	id, given := body["id"].(string)
	given = given && id != ""
	action := ActionCreate
	var row *objectRow
	if given {
		if row, err = s.readRow(ctx, typeName, id); err != nil {
			return nil, nil, err
		}
		if row.live() {
			if !updateExisting {
				// The write would refuse it anyway; no webhook is asked
				// about a create that cannot happen.
				return nil, nil, errs.InvalidField("id", "This value is already used")
			}
			action, id = ActionUpdate, row.ID
		}
	}
	ok, err := s.wants(ctx, action, typeName)
	if err != nil || !ok {
		return body, nil, err
	}
	obj := cloneMap(body)
	delete(obj, "internal")
	if given {
		obj["id"] = id
	}
	out, err := s.presave.Before(ctx, Pending{Action: action, ContentType: typeName, ObjectID: id, Object: obj})
	if err != nil {
		return nil, nil, err
	}
	if !given {
		return out, nil, nil
	}
	// The id was the caller's; a webhook may change the object, not which
	// object it is.
	out["id"] = id
	g := &versionGuard{id: id, live: row.live()}
	if row != nil {
		g.version = row.LatestVersion
	}
	return out, g, nil
}

// beforeUpdate runs the pre-save checks of a PUT (merge false) or a PATCH
// (merge true) of object id. It returns the whole object to save, which
// replaces the stored one, or nil when no check applies (the write then
// proceeds as it would without a PreSave).
func (s *Service) beforeUpdate(ctx context.Context, typeName, id string, body map[string]any, merge bool) (map[string]any, *versionGuard, error) {
	ok, err := s.wants(ctx, ActionUpdate, typeName)
	if err != nil || !ok {
		return nil, nil, err
	}
	row, err := s.readRow(ctx, typeName, id)
	if err != nil {
		return nil, nil, err
	}
	if !row.live() {
		return nil, nil, notFoundObject(typeName, id)
	}
	if bid, ok := body["id"].(string); ok && !strings.EqualFold(bid, row.ID) {
		return nil, nil, errs.InvalidField("id", "The id cannot be changed")
	}
	props, err := bodyProps(body)
	if err != nil {
		return nil, nil, err
	}
	if merge {
		stored := map[string]any{}
		if err := json.Unmarshal([]byte(row.Data), &stored); err != nil {
			return nil, nil, err
		}
		for k, v := range props {
			stored[k] = v
		}
		props = stored
	}
	props["id"] = row.ID
	out, err := s.presave.Before(ctx, Pending{Action: ActionUpdate, ContentType: typeName, ObjectID: row.ID, Object: props})
	if err != nil {
		return nil, nil, err
	}
	out["id"] = row.ID
	return out, &versionGuard{id: row.ID, version: row.LatestVersion, live: true}, nil
}

// beforeDelete runs the pre-save checks of a delete.
func (s *Service) beforeDelete(ctx context.Context, typeName, id string) (*versionGuard, error) {
	ok, err := s.wants(ctx, ActionDelete, typeName)
	if err != nil || !ok {
		return nil, err
	}
	row, err := s.readRow(ctx, typeName, id)
	if err != nil {
		return nil, err
	}
	if !row.live() {
		return nil, notFoundObject(typeName, id)
	}
	obj, err := row.object()
	if err != nil {
		return nil, err
	}
	if _, err := s.presave.Before(ctx, Pending{Action: ActionDelete, ContentType: typeName, ObjectID: row.ID, Object: obj}); err != nil {
		return nil, err
	}
	return &versionGuard{id: row.ID, version: row.LatestVersion, live: true}, nil
}
