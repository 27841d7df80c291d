package content

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

// objectRow is one row of the objects table.
type objectRow struct {
	Type          string
	ID            string
	Data          string
	Title         string
	LatestVersion int
	CreatedAt     string
	UpdatedAt     string
	DeletedAt     *string
}

const objectColumns = `type, id, data, title, latest_version, created_at, updated_at, deleted_at`

func (r *objectRow) live() bool { return r != nil && r.DeletedAt == nil }

// findRowTx returns the object's row, removed or not, or nil. Ids compare
// case-insensitively (the column is COLLATE NOCASE).
func findRowTx(q *gorm.DB, typeName, id string) (*objectRow, error) {
	var rows []objectRow
	if err := q.Raw(`SELECT `+objectColumns+` FROM objects WHERE type = ? AND id = ?`, typeName, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// internalBlock is the server-owned part of an object: the keys the seed's
// webhook payload shows, plus latestVersion. Flotiq's Draft & Public keys
// (status, publicVersion, publishedAt, workflowState) are left out because
// Hookline has no drafts; claiming "public" would promise a feature.
func (r *objectRow) internalBlock() map[string]any {
	deleted := ""
	if r.DeletedAt != nil {
		deleted = formatObjectTime(*r.DeletedAt)
	}
	return map[string]any{
		"contentType":   r.Type,
		"createdAt":     formatObjectTime(r.CreatedAt),
		"updatedAt":     formatObjectTime(r.UpdatedAt),
		"deletedAt":     deleted,
		"objectTitle":   r.Title,
		"latestVersion": r.LatestVersion,
	}
}

func (r *objectRow) object() (Object, error) {
	obj := Object{}
	if err := json.Unmarshal([]byte(r.Data), &obj); err != nil {
		return nil, fmt.Errorf("stored object %s/%s: %w", r.Type, r.ID, err)
	}
	obj["id"] = r.ID
	obj["internal"] = r.internalBlock()
	return obj, nil
}

// Get returns one live object, as the editor sees it (X-MODE: preview).
func (s *Service) Get(ctx context.Context, typeName, id string) (Object, error) {
	return s.GetView(ctx, typeName, id, false)
}

// GetView is Get; with public, an object of a Draft & Public type is
// served as a reader without X-MODE: preview gets it: a draft or archived
// object is not found, and a modified one is its public version.
func (s *Service) GetView(ctx context.Context, typeName, id string, public bool) (Object, error) {
	q := s.db.R.WithContext(ctx)
	td, err := s.loadType(q, typeName)
	if err != nil {
		return nil, err
	}
	row, err := findRowTx(q, typeName, id)
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
	if err := decorate(q, td, obj); err != nil {
		return nil, err
	}
	if public && td.draftPublic() {
		view, ok, err := publicView(q, td, obj)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFoundObject(typeName, id)
		}
		return view, nil
	}
	return obj, nil
}

// ListAllTx returns every live object of a type, oldest first, as tx sees
// them. The webhook matcher reads _webhooks with it inside a save.
func (s *Service) ListAllTx(ctx context.Context, tx *gorm.DB, typeName string) ([]Object, error) {
	// tx keeps its own context: inside InTx, an interrupted statement would
	// roll back a transaction other callers share (group commit).
	q := tx
	if _, err := s.loadType(q, typeName); err != nil {
		return nil, err
	}
	var rows []objectRow
	if err := q.Raw(`SELECT `+objectColumns+` FROM objects WHERE type = ? AND deleted_at IS NULL ORDER BY created_at, id`, typeName).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(rows))
	for i := range rows {
		o, err := rows[i].object()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Create validates and stores a new object. The body may carry an "id";
// otherwise one is generated. An "internal" block in the body (as in
// Flotiq exports) is ignored.
func (s *Service) Create(ctx context.Context, typeName string, body map[string]any) (Object, error) {
	body, guard, err := s.beforeCreate(ctx, typeName, body, false)
	if err != nil {
		return nil, err
	}
	var out Object
	err = s.write(ctx, func(w *txWriter) error {
		td, err := s.writerType(w.tx, typeName)
		if err != nil {
			return err
		}
		if err := guard.checkTx(w, td.name); err != nil {
			return err
		}
		out, err = s.createTx(w, td, body, false)
		return err
	})
	return out, err
}

// Replace is PUT: the body is the whole new object.
func (s *Service) Replace(ctx context.Context, typeName, id string, body map[string]any) (Object, error) {
	checked, guard, err := s.beforeUpdate(ctx, typeName, id, body, false)
	if err != nil {
		return nil, err
	}
	if checked != nil {
		body = checked
	}
	var out Object
	err = s.write(ctx, func(w *txWriter) error {
		td, err := s.writerType(w.tx, typeName)
		if err != nil {
			return err
		}
		if err := guard.checkTx(w, td.name); err != nil {
			return err
		}
		out, err = s.replaceTx(w, td, id, body)
		return err
	})
	return out, err
}

// replaceTx saves body as the whole new state of object id.
func (s *Service) replaceTx(w *txWriter, td *typeDef, id string, body map[string]any) (Object, error) {
	row, err := w.row(td.name, id)
	if err != nil {
		return nil, err
	}
	if !row.live() {
		return nil, notFoundObject(td.name, id)
	}
	if err := checkVersion(w.ctx, objectWhat(td.name, row.ID), row.LatestVersion); err != nil {
		return nil, err
	}
	props, err := bodyProps(body)
	if err != nil {
		return nil, err
	}
	if bid, ok := body["id"].(string); ok && !strings.EqualFold(bid, row.ID) {
		return nil, errs.InvalidField("id", "The id cannot be changed")
	}
	return s.saveTx(w, td, row.ID, props, row)
}

// Patch is PATCH: the body's properties are merged over the stored ones,
// then the result is validated as a whole. A null removes a property.
//
// With synchronous webhooks, they get the merged object, and what they
// return replaces the stored object whole.
func (s *Service) Patch(ctx context.Context, typeName, id string, body map[string]any) (Object, error) {
	checked, guard, err := s.beforeUpdate(ctx, typeName, id, body, true)
	if err != nil {
		return nil, err
	}
	var out Object
	err = s.write(ctx, func(w *txWriter) error {
		td, err := s.writerType(w.tx, typeName)
		if err != nil {
			return err
		}
		if err := guard.checkTx(w, td.name); err != nil {
			return err
		}
		if checked != nil {
			out, err = s.replaceTx(w, td, id, checked)
		} else {
			out, err = s.patchTx(w, td, id, body)
		}
		return err
	})
	return out, err
}

func (s *Service) patchTx(w *txWriter, td *typeDef, id string, body map[string]any) (Object, error) {
	row, err := w.row(td.name, id)
	if err != nil {
		return nil, err
	}
	if !row.live() {
		return nil, notFoundObject(td.name, id)
	}
	if err := checkVersion(w.ctx, objectWhat(td.name, row.ID), row.LatestVersion); err != nil {
		return nil, err
	}
	if bid, ok := body["id"].(string); ok && !strings.EqualFold(bid, row.ID) {
		return nil, errs.InvalidField("id", "The id cannot be changed")
	}
	props := map[string]any{}
	if err := json.Unmarshal([]byte(row.Data), &props); err != nil {
		return nil, err
	}
	patch, err := bodyProps(body)
	if err != nil {
		return nil, err
	}
	for k, v := range patch {
		props[k] = v
	}
	return s.saveTx(w, td, row.ID, props, row)
}

// Delete removes an object (softly: it shows up in Removed). An object that
// another live object relates to cannot be deleted.
func (s *Service) Delete(ctx context.Context, typeName, id string) error {
	guard, err := s.beforeDelete(ctx, typeName, id)
	if err != nil {
		return err
	}
	return s.write(ctx, func(w *txWriter) error {
		if _, err := s.writerType(w.tx, typeName); err != nil {
			return err
		}
		if err := guard.checkTx(w, typeName); err != nil {
			return err
		}
		row, err := w.row(typeName, id)
		if err != nil {
			return err
		}
		if !row.live() {
			return notFoundObject(typeName, id)
		}
		users, err := referencingTx(w.tx, row)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			// Flotiq's message, plus (Hookline's) the objects that hold on
			// to it, so the editor can say which one to change first.
			e := errorsList("This content object is used in another content object.")
			e.Fields["usedBy"] = users
			return e
		}
		return s.deleteTx(w, row)
	})
}

// errorsList is Flotiq's {"errors":[...]} answer, as a 400.
func errorsList(msgs ...string) *errs.Error {
	return &errs.Error{Code: errs.Invalid, Message: strings.Join(msgs, " "), Fields: map[string][]string{"errors": msgs}}
}

func (s *Service) deleteTx(w *txWriter, row *objectRow) error {
	now := s.stamp()
	if err := w.tx.Exec(`UPDATE objects SET deleted_at = ? WHERE type = ? AND id = ?`, now, row.Type, row.ID).Error; err != nil {
		return err
	}
	// A removed object no longer holds on to what it related to.
	if err := w.tx.Exec(`DELETE FROM object_refs WHERE type = ? AND id = ?`, row.Type, row.ID).Error; err != nil {
		return err
	}
	return w.changed(Change{Action: ActionDelete, ContentType: row.Type, ObjectID: row.ID, Version: row.LatestVersion})
}

// bodyProps takes the property values out of a request body: without "id"
// and without the server-owned "internal" block, which exports carry and
// Flotiq ignores.
func bodyProps(body map[string]any) (map[string]any, error) {
	props := cloneMap(body)
	if props == nil {
		props = map[string]any{}
	}
	if v, ok := props["id"]; ok {
		if _, isStr := v.(string); !isStr && v != nil {
			return nil, errs.InvalidField("id", "%s", typeMessage(v, "string"))
		}
	}
	delete(props, "id")
	delete(props, "internal")
	return props, nil
}

// createTx stores body as a new object. With updateExisting, a body whose id
// names a live object replaces it instead (batch upsert).
func (s *Service) createTx(w *txWriter, td *typeDef, body map[string]any, updateExisting bool) (Object, error) {
	props, err := bodyProps(body)
	if err != nil {
		return nil, err
	}
	id, given := body["id"].(string)
	var row *objectRow
	if given {
		f := errs.Fields{}
		checkID(f, id)
		if len(f) > 0 {
			return nil, f.Err()
		}
		if row, err = w.row(td.name, id); err != nil {
			return nil, err
		}
		if row.live() {
			if !updateExisting {
				return nil, errs.InvalidField("id", "This value is already used")
			}
			id = row.ID
		}
	}
	return s.saveTx(w, td, id, props, row)
}

// normalize prepares props for validation: nulls of optional properties
// mean "not set", active slug rules fill absent targets, and an internal
// type's Prepare fills its defaults.
func (td *typeDef) normalize(props map[string]any) {
	for k, v := range props {
		if v == nil && !td.props.required[k] {
			delete(props, k)
		}
	}
	for _, r := range td.slugs {
		if _, present := props[r.target]; present {
			continue
		}
		if src, ok := props[r.source].(string); ok && src != "" {
			props[r.target] = slugify(src)
		}
	}
	if td.prepare != nil {
		td.prepare(props)
	}
}

// saveTx validates props as the new state of the object (row is its current
// row: nil for a new object, removed for one being re-created) and writes a
// new version. An empty id is generated after validation, by writeTx.
func (s *Service) saveTx(w *txWriter, td *typeDef, id string, props map[string]any, row *objectRow) (Object, error) {
	td.normalize(props)
	// Prepare may have touched them; they are never stored as properties.
	delete(props, "id")
	delete(props, "internal")
	check := cloneMap(props)
	if id != "" {
		check["id"] = id
	}
	f := td.check(check)
	if err := s.checkStoredTx(w.tx, td, id, props, f); err != nil {
		return nil, err
	}
	if len(f) > 0 {
		return nil, f.Err()
	}
	return s.writeTx(w, td, id, props, row)
}

// checkStoredTx adds the rules that need the database: unique values and
// relation targets that exist.
func (s *Service) checkStoredTx(tx *gorm.DB, td *typeDef, id string, props map[string]any, f errs.Fields) error {
	for _, name := range td.props.order {
		p := td.props.byName[name]
		v := props[name]
		if p == nil || !p.unique || isEmpty(v) {
			continue
		}
		cond, cargs := contentSQLOf(tx).unique(name, v)
		var n int
		err := tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND deleted_at IS NULL AND id <> ? AND `+cond,
			append([]any{td.name, id}, cargs...)...).Scan(&n).Error
		if err != nil {
			return err
		}
		if n > 0 {
			f.Add(name, "This value is already used")
		}
	}
	for _, ref := range collectRefs(td.props, props, "") {
		var n int
		if err := tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND id = ? AND deleted_at IS NULL`, ref.typeName, ref.id).Scan(&n).Error; err != nil {
			return err
		}
		if n == 0 && !(ref.typeName == td.name && strings.EqualFold(ref.id, id) && id != "") {
			f.Add(ref.path, "This value does not exist in database")
		}
	}
	return nil
}

type ref struct{ path, typeName, id string }

// collectRefs finds the internal relations in props, including those inside
// list items.
func collectRefs(ps *propSet, props map[string]any, prefix string) []ref {
	var out []ref
	for _, name := range ps.order {
		p := ps.byName[name]
		list, ok := props[name].([]any)
		if p == nil || !ok {
			continue
		}
		path := joinPath(prefix, name)
		switch p.inputType {
		case "datasource":
			for _, item := range list {
				m, _ := item.(map[string]any)
				if m == nil || m["type"] == "external" {
					continue
				}
				u, _ := m["dataUrl"].(string)
				if t, id, ok := parseDataURL(u); ok {
					out = append(out, ref{path: path, typeName: t, id: id})
				}
			}
		case "object":
			if p.items == nil {
				continue
			}
			for i, item := range list {
				if m, ok := item.(map[string]any); ok {
					out = append(out, collectRefs(p.items, m, fmt.Sprintf("%s[%d]", path, i))...)
				}
			}
		}
	}
	return out
}

// writeTx stores props as the next version of the object and tells the Hook.
// An empty id (a new object without one) is generated here: the INSERT of a
// generated id that some object already has does nothing, and another id is
// tried, which saves a lookup per create.
func (s *Service) writeTx(w *txWriter, td *typeDef, id string, props map[string]any, prev *objectRow) (Object, error) {
	data, err := json.Marshal(props)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	row := objectRow{Type: td.name, ID: id, Data: string(data), Title: td.titleOf(props), UpdatedAt: now, CreatedAt: now, LatestVersion: 1}
	action := ActionCreate
	if prev != nil {
		// A re-created removed object keeps counting versions, so that
		// version numbers stay unique for good.
		row.LatestVersion = prev.LatestVersion + 1
		if prev.live() {
			action = ActionUpdate
			row.ID = prev.ID
			row.CreatedAt = prev.CreatedAt
		}
	}
	generate := id == "" && prev == nil
	var obj Object
	var full []byte
	for attempt := 0; ; attempt++ {
		if generate {
			if td.newID != nil && attempt < 5 {
				row.ID = td.newID()
			} else if row.ID, err = newObjectID(s.idRand, td.name, attempt); err != nil {
				return nil, err
			}
		}
		if obj, err = row.object(); err != nil {
			return nil, err
		}
		if full, err = json.Marshal(obj); err != nil {
			return nil, err
		}
		if len(full) > maxObjectSize {
			return nil, errs.New(errs.TooLarge, "Content Object size limit exceeded by an object with ID: %s. Requested size %.2f MB, limit: 1 MB", row.ID, float64(len(full))/(1<<20))
		}
		if prev != nil {
			err = w.tx.Exec(`UPDATE objects SET id = ?, data = ?, title = ?, latest_version = ?, created_at = ?, updated_at = ?, deleted_at = NULL WHERE type = ? AND id = ?`,
				row.ID, row.Data, row.Title, row.LatestVersion, row.CreatedAt, row.UpdatedAt, prev.Type, prev.ID).Error
			if err != nil {
				return nil, err
			}
			break
		}
		res := w.tx.Exec(`INSERT INTO objects(`+objectColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`,
			row.Type, row.ID, row.Data, row.Title, row.LatestVersion, row.CreatedAt, row.UpdatedAt)
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			break
		}
		if !generate { // createTx looked the id up already; this is a backstop
			return nil, errs.InvalidField("id", "This value is already used")
		}
	}
	if err := w.tx.Exec(`INSERT INTO object_versions(type, id, version, data, created_at) VALUES (?, ?, ?, ?, ?)`,
		row.Type, row.ID, row.LatestVersion, string(full), now).Error; err != nil {
		return nil, err
	}
	// A removed object's relations went with its removal, and an object
	// that never existed has none, so only a live one has old ones to drop.
	if prev.live() {
		if err := w.tx.Exec(`DELETE FROM object_refs WHERE type = ? AND id = ?`, row.Type, row.ID).Error; err != nil {
			return nil, err
		}
	}
	for _, r := range collectRefs(td.props, props, "") {
		if err := w.tx.Exec(`INSERT INTO object_refs(type, id, ref_type, ref_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			row.Type, row.ID, r.typeName, r.id).Error; err != nil {
			return nil, err
		}
	}
	if err := afterWriteTx(w.tx, td, prev, obj); err != nil {
		return nil, err
	}
	if err := w.changed(Change{Action: action, ContentType: row.Type, ObjectID: row.ID, Version: row.LatestVersion, Object: cloneMap(obj)}); err != nil {
		return nil, err
	}
	return obj, nil
}

// slugify turns "Hello World" into "hello-world".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r > 127 && unicode.IsLetter(r):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
