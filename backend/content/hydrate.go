package content

import (
	"context"

	"gorm.io/gorm"
)

// hydrate replaces relation stubs ({dataUrl, type:"internal"}) found in the
// objects' values, including inside list items, with the related live
// objects. depth 2 hydrates the related objects once more. Stubs whose
// target is gone are left as they are. With public, related objects of
// Draft & Public types are served as readers without preview see them: a
// draft or archived one stays a stub, a modified one is its public version.
func (s *Service) hydrate(ctx context.Context, objs []Object, depth int, public bool) error {
	if depth <= 0 || len(objs) == 0 {
		return nil
	}
	db := s.db.R.WithContext(ctx)
	cache := map[[2]string]Object{}
	types := map[string]*typeDef{}
	var fetched []Object
	var walk func(v any) (any, error)
	walk = func(v any) (any, error) {
		switch t := v.(type) {
		case []any:
			for i, e := range t {
				if m, ok := e.(map[string]any); ok && isStub(m) {
					typeName, id, _ := parseDataURL(m["dataUrl"].(string))
					key := [2]string{typeName, id}
					o, seen := cache[key]
					if !seen {
						row, err := findRowTx(db, typeName, id)
						if err != nil {
							return nil, err
						}
						if row.live() {
							if o, err = s.relatedView(db, types, row, public); err != nil {
								return nil, err
							}
							if o != nil {
								fetched = append(fetched, o)
							}
						}
						cache[key] = o
					}
					if o != nil {
						t[i] = o
					}
					continue
				}
				if _, err := walk(e); err != nil {
					return nil, err
				}
			}
		case map[string]any:
			for k, e := range t {
				if k == "internal" {
					continue
				}
				if _, err := walk(e); err != nil {
					return nil, err
				}
			}
		}
		return v, nil
	}
	for _, o := range objs {
		if _, err := walk(map[string]any(o)); err != nil {
			return err
		}
	}
	return s.hydrate(ctx, fetched, depth-1, public)
}

// relatedView is a related object as hydration embeds it: decorated with
// its Draft & Public state, and nil when a public reader may not see it.
// types caches the related types for one hydration.
func (s *Service) relatedView(db *gorm.DB, types map[string]*typeDef, row *objectRow, public bool) (Object, error) {
	o, err := row.object()
	if err != nil {
		return nil, err
	}
	td, seen := types[row.Type]
	if !seen {
		td, _ = s.loadType(db, row.Type) // nil for a type gone meanwhile: embedded as stored
		types[row.Type] = td
	}
	if td == nil || !td.draftPublic() {
		return o, nil
	}
	if err := decorate(db, td, o); err != nil {
		return nil, err
	}
	if !public {
		return o, nil
	}
	view, ok, err := publicView(db, td, o)
	if err != nil || !ok {
		return nil, err
	}
	return view, nil
}

func isStub(m map[string]any) bool {
	u, ok := m["dataUrl"].(string)
	if !ok || len(m) != 2 || m["type"] != "internal" {
		return false
	}
	_, _, ok = parseDataURL(u)
	return ok
}

// Hydrate replaces relation stubs in objs with the related objects, depth
// levels deep (at most 2, as Flotiq allows).
func (s *Service) Hydrate(ctx context.Context, depth int, objs ...Object) error {
	return s.hydrate(ctx, objs, min(depth, 2), false)
}

// HydrateView is Hydrate; with public, related Draft & Public objects are
// served as readers without X-MODE: preview see them.
func (s *Service) HydrateView(ctx context.Context, depth int, public bool, objs ...Object) error {
	return s.hydrate(ctx, objs, min(depth, 2), public)
}
