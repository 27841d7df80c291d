package content

import (
	"context"
)

// hydrate replaces relation stubs ({dataUrl, type:"internal"}) found in the
// objects' values, including inside list items, with the related live
// objects. depth 2 hydrates the related objects once more. Stubs whose
// target is gone are left as they are.
func (s *Service) hydrate(ctx context.Context, objs []Object, depth int) error {
	if depth <= 0 || len(objs) == 0 {
		return nil
	}
	db := s.db.R.WithContext(ctx)
	cache := map[[2]string]Object{}
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
							if o, err = row.object(); err != nil {
								return nil, err
							}
							fetched = append(fetched, o)
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
	return s.hydrate(ctx, fetched, depth-1)
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
	return s.hydrate(ctx, objs, min(depth, 2))
}
