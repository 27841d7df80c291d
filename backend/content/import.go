package content

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"

	"hookline/backend/errs"
)

// ImportPlan is a whole export to add in one transaction: the user types to
// create, then the objects of each type (user and internal), in order.
type ImportPlan struct {
	Types   []map[string]any
	Objects []ImportObjects
	// Progress, when set, is told of each object written (inside the
	// transaction: done counts both passes, total is twice the objects).
	Progress func(done, total int)
}

// ImportObjects are the objects of one type.
type ImportObjects struct {
	Type  string
	Items []map[string]any
}

// ImportResult counts what an import created.
type ImportResult struct {
	Types   int `json:"types"`
	Objects int `json:"objects"`
}

// Import creates the plan's types and objects in one transaction, so a
// refusal anywhere leaves nothing behind. It never overwrites: a type that
// exists, or an object id that is taken, refuses the import. Relations are
// written in a second pass, as Flotiq's CLI does, so objects may refer to
// each other in any order (each related object so gets two versions).
func (s *Service) Import(ctx context.Context, plan ImportPlan) (ImportResult, error) {
	var res ImportResult
	parsed := make([]*typeDef, 0, len(plan.Types))
	raws := make([]string, 0, len(plan.Types))
	for _, def := range plan.Types {
		td, f := parseType(def, false)
		if len(f) > 0 {
			return res, errs.New(errs.Invalid, "Type %v cannot be imported: %v", def["name"], f.Err())
		}
		if s.internal[td.name] != nil {
			return res, errs.New(errs.Invalid, "Type %s is built in and cannot be imported", td.name)
		}
		raw, err := json.Marshal(td.raw)
		if err != nil {
			return res, err
		}
		parsed, raws = append(parsed, td), append(raws, string(raw))
	}
	total := 0
	for _, o := range plan.Objects {
		total += 2 * len(o.Items)
	}
	done := 0
	step := func() {
		done++
		if plan.Progress != nil {
			plan.Progress(done, total)
		}
	}
	err := s.writeType(ctx, func(w *txWriter) error {
		for i, td := range parsed {
			var n int
			if err := w.tx.Raw(`SELECT COUNT(*) FROM content_types WHERE name = ?`, td.name).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return errs.New(errs.Conflict, "Type %s exists already; import into a Hookline without it", td.name)
			}
			if err := purgeObjectsTx(w.tx, td.name); err != nil {
				return err
			}
			td.id, td.createdAt, td.rev = newUUID(), s.stamp(), 1
			if err := w.tx.Exec(`INSERT INTO content_types(name, id, definition, rev, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				td.name, td.id, raws[i], td.rev, td.createdAt, td.createdAt).Error; err != nil {
				return err
			}
		}
		// Pass 1: every object without its internal relations; pass 2: the
		// objects that had some, whole.
		var later []func() error
		for _, group := range plan.Objects {
			td, err := s.writerType(w.tx, group.Type)
			if err != nil {
				return err
			}
			for _, item := range group.Items {
				stripped, _ := stripRelations(item).(map[string]any)
				if _, err := s.createTx(w, td, stripped, false); err != nil {
					return importError(group.Type, item, err)
				}
				step()
				if reflect.DeepEqual(stripped, item) {
					step()
					continue
				}
				later = append(later, func() error {
					if _, err := s.createTx(w, td, item, true); err != nil {
						return importError(td.name, item, err)
					}
					step()
					return nil
				})
			}
			res.Objects += len(group.Items)
		}
		for _, fn := range later {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	})
	for _, td := range parsed {
		s.forget(td.name)
	}
	if err != nil {
		return ImportResult{}, err
	}
	res.Types = len(parsed)
	return res, nil
}

// importError says which object was refused, keeping the field messages.
func importError(typeName string, item map[string]any, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	out := &errs.Error{Code: e.Code, Message: "Object " + idOf(item) + " of type " + typeName + ": " + e.Error(), Fields: e.Fields}
	if out.Code == errs.NotFound {
		out.Code = errs.Invalid
	}
	return out
}

func idOf(item map[string]any) string {
	if id, ok := item["id"].(string); ok {
		return id
	}
	return "(without id)"
}

// stripRelations drops internal relation items from every list, as the
// CLI's first pass does.
func stripRelations(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = stripRelations(e)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok && m["type"] == "internal" && m["dataUrl"] != nil {
				continue
			}
			out = append(out, stripRelations(e))
		}
		return out
	}
	return v
}
