package content

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

// TypeQuery selects a page of content types (GET /api/v1/internal/contenttype).
type TypeQuery struct {
	// Page is 1-based; Limit is the page size. Zero values mean 1 and 20.
	Page  int `json:"page"`
	Limit int `json:"limit"`
	// OrderBy is name (default), id, createdAt or updatedAt.
	OrderBy string `json:"orderBy"`
	// OrderDirection is asc (default) or desc.
	OrderDirection string `json:"orderDirection"`
	// Name and Label are case-insensitive "contains" filters.
	Name  string `json:"name"`
	Label string `json:"label"`
	// Names keeps only these names (case-insensitive exact match).
	Names []string `json:"names"`
	// Internal, when set, keeps only internal (true) or user (false) types;
	// unset lists both, as Flotiq's example list does.
	Internal *bool `json:"internal"`
}

// GetTypeOptions shapes GetType's answer like Flotiq's query parameters.
type GetTypeOptions struct {
	// ResolveRef inlines allOf into a flat schemaDefinition.properties that
	// also lists id and internal.
	ResolveRef bool `json:"resolveRef"`
	// StrictSchema (with ResolveRef) answers {"schema": {type, properties,
	// required}} only, for OpenAPI 3.0 tools.
	StrictSchema bool `json:"strictSchema"`
}

type typeRow struct {
	Name       string
	ID         string
	Definition string
	Rev        int64
	CreatedAt  string
	UpdatedAt  string
}

const typeColumns = `name, id, definition, rev, created_at, updated_at`

// loadType returns the named type as q sees it. Internal types come from
// memory. A user type is parsed once per stored row: the cache serves an
// entry only while every column of the row it was parsed from is unchanged,
// so an entry read inside a transaction that rolled back (its rev may come
// again with another definition) is never served for the row that replaced
// it, and writers can fill the cache as well as readers.
func (s *Service) loadType(q *gorm.DB, name string) (*typeDef, error) {
	if td := s.internal[name]; td != nil {
		return td, nil
	}
	if strings.IndexByte(name, 0) >= 0 {
		// No type name holds NUL (and PostgreSQL's text cannot).
		return nil, notFoundType(name)
	}
	var rows []typeRow
	if err := q.Raw(`SELECT `+typeColumns+` FROM content_types WHERE name = ?`, name).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFoundType(name)
	}
	return s.typeFromRow(rows[0])
}

func (s *Service) typeFromRow(r typeRow) (*typeDef, error) {
	s.mu.Lock()
	c := s.cache[r.Name]
	s.mu.Unlock()
	if c != nil && c.row == r {
		return c, nil
	}
	var def map[string]any
	if err := json.Unmarshal([]byte(r.Definition), &def); err != nil {
		return nil, fmt.Errorf("stored type %s: %w", r.Name, err)
	}
	td, fields := parseType(def, false)
	if td.schema == nil {
		return nil, fmt.Errorf("stored type %s no longer validates: %v", r.Name, fields.Err())
	}
	td.id, td.rev, td.createdAt, td.updatedAt = r.ID, r.Rev, r.CreatedAt, r.UpdatedAt
	td.row = r
	s.mu.Lock()
	s.cache[r.Name] = td
	s.mu.Unlock()
	return td, nil
}

// writerType is loadType for object writes, inside the writer's
// transaction, without reading content_types while no type change is in
// flight. That relies on content_types being written only through this
// Service's type methods (writeType), in this process (app locks the data
// folder): a type change counts as in flight from the moment it starts
// inside its transaction until its caller has seen it commit or roll back,
// and no entry verified before or during it is trusted after it.
func (s *Service) writerType(tx *gorm.DB, name string) (*typeDef, error) {
	if td := s.internal[name]; td != nil {
		return td, nil
	}
	// Another instance on a shared database changes types without this
	// process knowing until its notification arrives: the version check
	// covers the meantime (see shared.go).
	ver, err := s.db.CacheVersion(tx, "types")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	gen, settled := s.typeGen, s.typeChanges == 0
	if t, ok := s.trusted[name]; ok && settled && t.gen == gen && t.ver == ver {
		s.mu.Unlock()
		return t.td, nil
	}
	s.mu.Unlock()
	td, err := s.loadType(tx, name)
	if err != nil || !settled {
		return td, err
	}
	// With no change in flight, what tx read is the committed row, and it
	// stays so until the next change begins (which moves typeGen on).
	s.mu.Lock()
	if s.typeGen == gen && s.typeChanges == 0 {
		s.trusted[name] = trustedType{td: td, gen: gen, ver: ver}
	}
	s.mu.Unlock()
	return td, nil
}

// writeType is write for changes to content_types (see writerType).
func (s *Service) writeType(ctx context.Context, fn func(w *txWriter) error) error {
	begun := false
	defer func() {
		if begun {
			s.mu.Lock()
			s.typeGen++
			s.typeChanges--
			s.mu.Unlock()
		}
	}()
	return s.write(ctx, func(w *txWriter) error {
		// On a shared database: wait for the writes of other instances that
		// trust the current types, and keep new ones out until this commits
		// (see shared.go).
		if err := s.db.LockCacheVersion(w.tx, "types"); err != nil {
			return err
		}
		s.mu.Lock()
		s.typeGen++
		s.typeChanges++
		s.mu.Unlock()
		begun = true
		return fn(w)
	})
}

func (s *Service) forget(name string) {
	s.mu.Lock()
	delete(s.cache, name)
	s.mu.Unlock()
}

// definition renders td the way the API returns a CTD.
func (td *typeDef) definition() Definition {
	d := cloneMap(td.raw)
	d["id"] = td.id
	d["name"] = td.name
	d["internal"] = td.internal
	d["createdAt"] = formatTypeTime(td.createdAt)
	d["updatedAt"] = formatTypeTime(td.updatedAt)
	d["deletedAt"] = nil
	return d
}

// resolved is the flat schema Flotiq returns for resolveRef=true.
func (td *typeDef) resolved(strict bool) Definition {
	props := map[string]any{
		"id": map[string]any{"type": "string"},
		"internal": map[string]any{"type": "object", "properties": map[string]any{
			"contentType": map[string]any{"type": "string"}, "createdAt": map[string]any{"type": "string"},
			"updatedAt": map[string]any{"type": "string"}, "deletedAt": map[string]any{"type": "string"},
			"objectTitle": map[string]any{"type": "string"}, "latestVersion": map[string]any{"type": "number"},
		}},
	}
	for n, p := range td.props.byName {
		props[n] = inlineRefs(p.schema)
	}
	req := toAnyList(sortedKeys(td.props.required))
	if strict {
		return Definition{"schema": map[string]any{"type": "object", "properties": props, "required": req}}
	}
	d := td.definition()
	d["schemaDefinition"] = map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
	return d
}

// ListTypes returns one page of content types and the number that matched.
func (s *Service) ListTypes(ctx context.Context, q TypeQuery) ([]Definition, int, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Limit < 1 {
		q.Limit = 20
	}
	var rows []typeRow
	if err := s.db.R.WithContext(ctx).Raw(`SELECT ` + typeColumns + ` FROM content_types`).Scan(&rows).Error; err != nil {
		return nil, 0, err
	}
	var all []*typeDef
	for _, r := range rows {
		td, err := s.typeFromRow(r)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, td)
	}
	for _, td := range s.internal {
		all = append(all, td)
	}
	var names []string
	for _, n := range q.Names {
		names = append(names, strings.ToLower(n))
	}
	kept := all[:0]
	for _, td := range all {
		switch {
		case q.Internal != nil && td.internal != *q.Internal:
		case q.Name != "" && !strings.Contains(strings.ToLower(td.name), strings.ToLower(q.Name)):
		case q.Label != "" && !strings.Contains(strings.ToLower(fmt.Sprint(td.raw["label"])), strings.ToLower(q.Label)):
		case len(names) > 0 && !slices.Contains(names, strings.ToLower(td.name)):
		default:
			kept = append(kept, td)
		}
	}
	key := func(td *typeDef) string { return td.name }
	switch q.OrderBy {
	case "", "name":
	case "id":
		key = func(td *typeDef) string { return td.id }
	case "createdAt":
		key = func(td *typeDef) string { return td.createdAt }
	case "updatedAt":
		key = func(td *typeDef) string { return td.updatedAt }
	default:
		return nil, 0, errs.InvalidField("order_by", "Must be one of name, id, createdAt, updatedAt")
	}
	desc, err := direction(q.OrderDirection)
	if err != nil {
		return nil, 0, err
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := key(kept[i]), key(kept[j])
		if a == b {
			a, b = kept[i].name, kept[j].name
		}
		if desc {
			return a > b
		}
		return a < b
	})
	total := len(kept)
	start := min((q.Page-1)*q.Limit, total)
	end := min(start+q.Limit, total)
	out := make([]Definition, 0, end-start)
	for _, td := range kept[start:end] {
		out = append(out, td.definition())
	}
	return out, total, nil
}

func direction(d string) (desc bool, err error) {
	switch strings.ToLower(d) {
	case "", "asc":
		return false, nil
	case "desc":
		return true, nil
	}
	return false, errs.InvalidField("order_direction", "Must be asc or desc")
}

// GetType returns one content type.
func (s *Service) GetType(ctx context.Context, name string, opts GetTypeOptions) (Definition, error) {
	td, err := s.loadType(s.db.R.WithContext(ctx), name)
	if err != nil {
		return nil, err
	}
	if opts.ResolveRef {
		return td.resolved(opts.StrictSchema), nil
	}
	return td.definition(), nil
}

// CreateType validates and stores a new content type. Extra keys of the
// definition are kept as given.
func (s *Service) CreateType(ctx context.Context, def map[string]any) (Definition, error) {
	td, f := parseType(def, false)
	if len(f) > 0 {
		return nil, f.Err()
	}
	if s.internal[td.name] != nil {
		return nil, errs.InvalidField("name", "This value is already used")
	}
	raw, err := json.Marshal(td.raw)
	if err != nil {
		return nil, err
	}
	td.id = newUUID()
	td.createdAt = s.stamp()
	td.updatedAt = td.createdAt
	td.rev = 1
	err = s.writeType(ctx, func(w *txWriter) error {
		var n int
		if err := w.tx.Raw(`SELECT COUNT(*) FROM content_types WHERE name = ?`, td.name).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.InvalidField("name", "This value is already used")
		}
		// Objects left behind by an earlier type of this name are removed
		// with it (see DeleteType); make sure none linger.
		if err := purgeObjectsTx(w.tx, td.name); err != nil {
			return err
		}
		if err := w.tx.Exec(`INSERT INTO content_types(name, id, definition, rev, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			td.name, td.id, string(raw), td.rev, td.createdAt, td.updatedAt).Error; err != nil {
			return err
		}
		return w.typeChanged(TypeChange{Action: ActionCreate, Name: td.name, ID: td.id, Definition: td.definition()})
	})
	if err != nil {
		return nil, err
	}
	s.forget(td.name)
	return td.definition(), nil
}

// UpdateType replaces a content type and migrates its objects as Flotiq
// does (§1.10): values of removed properties are stripped, values of
// properties whose type changed are converted, and every touched object gets
// a new version. If any object cannot satisfy the new definition, nothing
// changes and the error names the objects.
func (s *Service) UpdateType(ctx context.Context, name string, def map[string]any) (Definition, error) {
	if s.internal[name] != nil {
		return nil, errs.New(errs.Forbidden, "The internal content type %s cannot be changed", name)
	}
	def = cloneMap(def)
	if def["name"] == nil {
		def["name"] = name
	}
	if n, _ := def["name"].(string); n != name {
		return nil, errs.InvalidField("name", "Renaming a content type is not supported; the name must stay %q", name)
	}
	next, f := parseType(def, false)
	if len(f) > 0 {
		return nil, f.Err()
	}
	raw, err := json.Marshal(next.raw)
	if err != nil {
		return nil, err
	}
	err = s.writeType(ctx, func(w *txWriter) error {
		prev, err := s.loadType(w.tx, name)
		if err != nil {
			return err
		}
		if err := checkVersion(w.ctx, "Content type "+name, int(prev.rev)); err != nil {
			return err
		}
		next.id, next.createdAt, next.rev = prev.id, prev.createdAt, prev.rev+1
		next.updatedAt = s.stamp()
		if err := s.migrateObjectsTx(w, prev, next); err != nil {
			return err
		}
		if err := w.tx.Exec(`UPDATE content_types SET definition = ?, rev = ?, updated_at = ? WHERE name = ?`,
			string(raw), next.rev, next.updatedAt, name).Error; err != nil {
			return err
		}
		return w.typeChanged(TypeChange{Action: ActionUpdate, Name: name, ID: next.id, Definition: next.definition()})
	})
	s.forget(name)
	if err != nil {
		return nil, err
	}
	return next.definition(), nil
}

// DeleteType removes a content type that has no objects. Flotiq answers a
// type with objects with 400 {"errors":[...]}; the error carries that shape.
func (s *Service) DeleteType(ctx context.Context, name string) error {
	if s.internal[name] != nil {
		return errs.New(errs.Forbidden, "The internal content type %s cannot be deleted", name)
	}
	err := s.writeType(ctx, func(w *txWriter) error {
		td, err := s.loadType(w.tx, name)
		if err != nil {
			return err
		}
		var live int
		if err := w.tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND deleted_at IS NULL`, name).Scan(&live).Error; err != nil {
			return err
		}
		if live > 0 {
			return &errs.Error{Code: errs.Invalid, Message: "Content Type has objects, you can't remove it!",
				Fields: map[string][]string{"errors": {"Content Type has objects, you can't remove it!"}}}
		}
		// Removed objects and their versions go with the type: a later type
		// of the same name must not inherit them.
		if err := purgeObjectsTx(w.tx, name); err != nil {
			return err
		}
		if err := w.tx.Exec(`DELETE FROM content_types WHERE name = ?`, name).Error; err != nil {
			return err
		}
		return w.typeChanged(TypeChange{Action: ActionDelete, Name: name, ID: td.id})
	})
	s.forget(name)
	return err
}

func purgeObjectsTx(tx *gorm.DB, typeName string) error {
	for _, q := range []string{
		`DELETE FROM object_refs WHERE type = ?`,
		`DELETE FROM object_publication WHERE type = ?`,
		`DELETE FROM object_versions WHERE type = ?`,
		`DELETE FROM objects WHERE type = ?`,
	} {
		if err := tx.Exec(q, typeName).Error; err != nil {
			return err
		}
	}
	return nil
}
