package content

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hookline/backend/errs"
)

// MaxBatch is Flotiq's cap on items per batch call.
const MaxBatch = 100

// BatchResult summarises a batch create or update. Flotiq's exact shape is
// not documented; these are the names its batch summaries use.
type BatchResult struct {
	TotalCount   int          `json:"batch_total_count"`
	SuccessCount int          `json:"batch_success_count"`
	ErrorCount   int          `json:"batch_error_count"`
	Errors       []BatchError `json:"errors"`
}

// BatchError is why one item of a batch was refused.
type BatchError struct {
	// Index is the item's position in the request, 0-based.
	Index int    `json:"index"`
	ID    string `json:"id,omitempty"`
	// Errors holds validation messages per field, or a "body" entry for
	// other failures.
	Errors map[string][]string `json:"errors"`
}

// errBatchRefused rolls a batch back after its per-item errors were
// collected.
var errBatchRefused = errors.New("batch refused")

// BatchCreate stores up to MaxBatch objects. With updateExisting, items whose
// id names a live object replace it. It is all or nothing: if any item is
// invalid, nothing is written and the result lists every refused item along
// with an Invalid error.
//
// Synchronous webhooks run per item, before the transaction; one refusal
// refuses the whole batch, before anything is written.
func (s *Service) BatchCreate(ctx context.Context, typeName string, items []map[string]any, updateExisting bool) (BatchResult, error) {
	if len(items) > MaxBatch {
		return BatchResult{TotalCount: len(items), Errors: []BatchError{}}, errs.InvalidField("body", "At most %d objects per batch", MaxBatch)
	}
	guards := make([]*versionGuard, len(items))
	checked := append([]map[string]any(nil), items...)
	if res, err := s.beforeBatch(items, func(i int, item map[string]any) error {
		var err error
		checked[i], guards[i], err = s.beforeCreate(ctx, typeName, item, updateExisting)
		return err
	}); err != nil {
		return res, err
	}
	return s.batch(ctx, typeName, checked, func(w *txWriter, td *typeDef, i int, item map[string]any) error {
		if err := guards[i].checkTx(w, td.name); err != nil {
			return err
		}
		_, err := s.createTx(w, td, item, updateExisting)
		return err
	})
}

// beforeBatch runs one item's pre-save checks for every item, and refuses
// the batch as batch does when any item is refused.
func (s *Service) beforeBatch(items []map[string]any, one func(i int, item map[string]any) error) (BatchResult, error) {
	res := BatchResult{TotalCount: len(items), Errors: []BatchError{}}
	if s.presave == nil {
		return res, nil
	}
	for i, item := range items {
		err := one(i, item)
		if err == nil {
			continue
		}
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.Invalid {
			return res, err
		}
		id, _ := item["id"].(string)
		fields := e.Fields
		if len(fields) == 0 {
			fields = map[string][]string{"body": {e.Message}}
		}
		res.Errors = append(res.Errors, BatchError{Index: i, ID: id, Errors: fields})
	}
	if len(res.Errors) == 0 {
		return res, nil
	}
	res.ErrorCount = len(res.Errors)
	return res, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("%d of %d objects were refused; nothing was saved", res.ErrorCount, res.TotalCount)}
}

// BatchPatch applies partial updates to up to MaxBatch objects, each
// naming its object by "id". It never creates: a missing object fails the
// whole call with NotFound. All or nothing, as BatchCreate.
func (s *Service) BatchPatch(ctx context.Context, typeName string, items []map[string]any) (BatchResult, error) {
	if len(items) > MaxBatch {
		return BatchResult{TotalCount: len(items), Errors: []BatchError{}}, errs.InvalidField("body", "At most %d objects per batch", MaxBatch)
	}
	guards := make([]*versionGuard, len(items))
	checked := make([]map[string]any, len(items))
	if res, err := s.beforeBatch(items, func(i int, item map[string]any) error {
		id, ok := item["id"].(string)
		if !ok || id == "" {
			return errs.InvalidField("id", "The property id is required")
		}
		var err error
		checked[i], guards[i], err = s.beforeUpdate(ctx, typeName, id, item, true)
		return err
	}); err != nil {
		return res, err
	}
	return s.batch(ctx, typeName, items, func(w *txWriter, td *typeDef, i int, item map[string]any) error {
		id, ok := item["id"].(string)
		if !ok || id == "" {
			return errs.InvalidField("id", "The property id is required")
		}
		if err := guards[i].checkTx(w, td.name); err != nil {
			return err
		}
		var err error
		if checked[i] != nil {
			_, err = s.replaceTx(w, td, id, checked[i])
		} else {
			_, err = s.patchTx(w, td, id, item)
		}
		return err
	})
}

func (s *Service) batch(ctx context.Context, typeName string, items []map[string]any, one func(w *txWriter, td *typeDef, i int, item map[string]any) error) (BatchResult, error) {
	res := BatchResult{TotalCount: len(items), Errors: []BatchError{}}
	if len(items) > MaxBatch {
		return res, errs.InvalidField("body", "At most %d objects per batch", MaxBatch)
	}
	err := s.write(ctx, func(w *txWriter) error {
		td, err := s.writerType(w.tx, typeName)
		if err != nil {
			return err
		}
		var ids []string
		for _, item := range items {
			if id, ok := item["id"].(string); ok {
				ids = append(ids, id)
			}
		}
		if err := w.lock(typeName, ids...); err != nil {
			return err
		}
		w.holdChanges()
		for i, item := range items {
			err := one(w, td, i, item)
			if err == nil {
				res.SuccessCount++
				continue
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Code == errs.NotFound || e.Code == errs.Internal || e.Code == errs.Conflict {
				return err // a missing object, a race, the hook or the database: stop
			}
			id, _ := item["id"].(string)
			fields := e.Fields
			if len(fields) == 0 {
				fields = map[string][]string{"body": {e.Message}}
			}
			res.Errors = append(res.Errors, BatchError{Index: i, ID: id, Errors: fields})
		}
		if len(res.Errors) > 0 {
			return errBatchRefused
		}
		return w.flushChanges()
	})
	if errors.Is(err, errBatchRefused) {
		res.ErrorCount = len(res.Errors)
		res.SuccessCount = 0 // rolled back
		return res, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("%d of %d objects were refused; nothing was saved", res.ErrorCount, res.TotalCount)}
	}
	if err != nil {
		return BatchResult{TotalCount: len(items), Errors: []BatchError{}}, err
	}
	return res, nil
}

// BatchDelete removes the objects with these ids. As in Flotiq, the ones
// that can be deleted are, and the rest are reported in an Invalid error of
// the {"errors":[...]} shape. Objects related only by others in the same
// call are deleted in a workable order.
func (s *Service) BatchDelete(ctx context.Context, typeName string, ids []string) (int, error) {
	if len(ids) > MaxBatch {
		return 0, errs.InvalidField("body", "At most %d ids per batch", MaxBatch)
	}
	// Synchronous webhooks are asked about every id first; one refusal
	// refuses the whole call, with that webhook's errors.
	guards := map[string]*versionGuard{}
	for _, id := range ids {
		g, err := s.beforeDelete(ctx, typeName, id)
		if err != nil && errs.CodeOf(err) != errs.NotFound {
			return 0, err
		}
		if g != nil {
			guards[strings.ToLower(id)] = g
		}
	}
	deleted := 0
	var msgs []string
	err := s.write(ctx, func(w *txWriter) error {
		if _, err := s.writerType(w.tx, typeName); err != nil {
			return err
		}
		if err := w.lock(typeName, ids...); err != nil {
			return err
		}
		for _, g := range guards {
			if err := g.checkTx(w, typeName); err != nil {
				return err
			}
		}
		var pending []*objectRow
		seen := map[string]bool{}
		for _, id := range ids {
			row, err := w.row(typeName, id)
			if err != nil {
				return err
			}
			if !row.live() {
				msgs = append(msgs, fmt.Sprintf("Content object: %q doesn't exist", id))
				continue
			}
			if !seen[row.ID] {
				seen[row.ID] = true
				pending = append(pending, row)
			}
		}
		for progress := true; progress && len(pending) > 0; {
			progress = false
			var still []*objectRow
			for _, row := range pending {
				used, err := referencedTx(w.tx, row)
				if err != nil {
					return err
				}
				if used {
					still = append(still, row)
					continue
				}
				if err := s.deleteTx(w, row); err != nil {
					return err
				}
				deleted++
				progress = true
			}
			pending = still
		}
		for _, row := range pending {
			msgs = append(msgs, fmt.Sprintf("Content object: %q is used in another content object.", row.ID))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(msgs) > 0 {
		return deleted, errorsList(msgs...)
	}
	return deleted, nil
}
