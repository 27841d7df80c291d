package content

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Draft & Public (flotiq-media.md §5): a type with "draftPublic": true keeps
// a publication state per object. New objects are drafts; editing a public
// one makes it modified (the public version stays what readers get);
// Publish, Unpublish and Archive set the state. Objects of other types have
// no state and their internal block is unchanged.

// Publication actions, as Change.Action and as webhook actions.
const (
	ActionPublish   = "Publish"
	ActionUnpublish = "Unpublish"
	ActionArchive   = "Archive"
)

// Publication statuses (internal.status).
const (
	StatusDraft    = "draft"
	StatusPublic   = "public"
	StatusModified = "modified"
	StatusArchived = "archived"
)

// draftPublic reports whether the type has the Draft & Public switch on.
func (td *typeDef) draftPublic() bool {
	v, _ := td.raw["draftPublic"].(bool)
	return v
}

// publication is one object's row of object_publication.
type publication struct {
	ID            string
	Status        string
	PublicVersion int
	PublishedAt   string
}

// publicationsTx reads the publication state of ids. An object without a
// row existed before the switch was turned on: it counts as public at its
// latest version (the caller fills that in).
func publicationsTx(q *gorm.DB, typeName string, ids []string) (map[string]publication, error) {
	out := map[string]publication{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	var rows []publication
	if err := q.Raw(`SELECT id, status, public_version, published_at FROM object_publication
		WHERE type = ? AND id IN (`+store.DialectOf(q).JSONTexts()+`)`, typeName, string(list)).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[strings.ToLower(r.ID)] = r
	}
	return out, nil
}

func setPublicationTx(tx *gorm.DB, typeName string, p publication) error {
	return tx.Exec(`INSERT INTO object_publication (type, id, status, public_version, published_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (type, id) DO UPDATE SET status = excluded.status, public_version = excluded.public_version,
		published_at = excluded.published_at`, typeName, p.ID, p.Status, p.PublicVersion, p.PublishedAt).Error
}

// decorate adds status, publicVersion and publishedAt to the internal block
// of objects of a Draft & Public type; objects of other types are left as
// they are.
func decorate(q *gorm.DB, td *typeDef, objs ...Object) error {
	if !td.draftPublic() || len(objs) == 0 {
		return nil
	}
	ids := make([]string, 0, len(objs))
	for _, o := range objs {
		if id, ok := o["id"].(string); ok {
			ids = append(ids, id)
		}
	}
	pubs, err := publicationsTx(q, td.name, ids)
	if err != nil {
		return err
	}
	for _, o := range objs {
		id, _ := o["id"].(string)
		internal, _ := o["internal"].(map[string]any)
		if internal == nil {
			continue
		}
		p, ok := pubs[strings.ToLower(id)]
		if !ok {
			p = publication{Status: StatusPublic, PublicVersion: intOf(internal["latestVersion"]), PublishedAt: ""}
		}
		p.apply(internal)
	}
	return nil
}

func (p publication) apply(internal map[string]any) {
	internal["status"] = p.Status
	internal["publicVersion"] = p.PublicVersion
	internal["publishedAt"] = formatObjectTime(p.PublishedAt)
}

func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}

// afterWriteTx moves the publication state of an object of a Draft & Public
// type that was just written (prev is its row before: nil or removed for a
// new object) and puts the state into obj's internal block.
func afterWriteTx(tx *gorm.DB, td *typeDef, prev *objectRow, obj Object) error {
	if !td.draftPublic() {
		return nil
	}
	id, _ := obj["id"].(string)
	p := publication{ID: id, Status: StatusDraft, PublicVersion: -1}
	if prev.live() {
		pubs, err := publicationsTx(tx, td.name, []string{id})
		if err != nil {
			return err
		}
		cur, ok := pubs[strings.ToLower(id)]
		if !ok { // public since before the switch
			cur = publication{ID: id, Status: StatusPublic, PublicVersion: prev.LatestVersion}
		}
		p = cur
		p.ID = id
		switch cur.Status {
		case StatusPublic, StatusModified:
			p.Status = StatusModified
		default: // a draft stays one; an edited archived object is a draft again
			p.Status, p.PublicVersion = StatusDraft, -1
		}
	}
	if err := setPublicationTx(tx, td.name, p); err != nil {
		return err
	}
	if internal, ok := obj["internal"].(map[string]any); ok {
		p.apply(internal)
	}
	return nil
}

// Publish makes the object's latest version the public one.
func (s *Service) Publish(ctx context.Context, typeName, id string) error {
	return s.BatchPublish(ctx, typeName, []string{id})
}

// Unpublish makes the object a draft: nothing of it is public.
func (s *Service) Unpublish(ctx context.Context, typeName, id string) error {
	return s.BatchUnpublish(ctx, typeName, []string{id})
}

// Archive archives the object: nothing of it is public.
func (s *Service) Archive(ctx context.Context, typeName, id string) error {
	return s.BatchArchive(ctx, typeName, []string{id})
}

// BatchPublish publishes up to MaxBatch objects, all or nothing. As the
// panel's bulk actions do, every action sets its target state whatever the
// current one, and each object changed queues one delivery per webhook
// listening to the action.
func (s *Service) BatchPublish(ctx context.Context, typeName string, ids []string) error {
	return s.setStatus(ctx, typeName, ids, ActionPublish)
}

// BatchUnpublish unpublishes up to MaxBatch objects (see BatchPublish).
func (s *Service) BatchUnpublish(ctx context.Context, typeName string, ids []string) error {
	return s.setStatus(ctx, typeName, ids, ActionUnpublish)
}

// BatchArchive archives up to MaxBatch objects (see BatchPublish).
func (s *Service) BatchArchive(ctx context.Context, typeName string, ids []string) error {
	return s.setStatus(ctx, typeName, ids, ActionArchive)
}

func (s *Service) setStatus(ctx context.Context, typeName string, ids []string, action string) error {
	return s.setStatusCascade(ctx, typeName, ids, action, false)
}

// PublicationAction publishes, unpublishes or archives one object (action
// is ActionPublish, ActionUnpublish or ActionArchive). With cascade (the
// API's ?hydrate=1), the related objects of Draft & Public types it points
// to get the same action, one level deep, as Flotiq's does.
func (s *Service) PublicationAction(ctx context.Context, typeName, id, action string, cascade bool) error {
	switch action {
	case ActionPublish, ActionUnpublish, ActionArchive:
	default:
		return fmt.Errorf("unknown publication action %q", action)
	}
	return s.setStatusCascade(ctx, typeName, []string{id}, action, cascade)
}

func (s *Service) setStatusCascade(ctx context.Context, typeName string, ids []string, action string, cascade bool) error {
	if len(ids) > MaxBatch {
		return errs.InvalidField("body", "At most %d ids per batch", MaxBatch)
	}
	return s.write(ctx, func(w *txWriter) error {
		td, err := s.writerType(w.tx, typeName)
		if err != nil {
			return err
		}
		if !td.draftPublic() {
			return errorsList(fmt.Sprintf("Content type %s does not use Draft & Public; turn on draftPublic first", typeName))
		}
		if err := w.lock(typeName, ids...); err != nil {
			return err
		}
		done := map[[2]string]bool{}
		for _, id := range ids {
			row, err := w.row(typeName, id)
			if err != nil {
				return err
			}
			if !row.live() {
				return errs.New(errs.NotFound, "Not found")
			}
			if err := s.applyStatusTx(w, row, action, done); err != nil {
				return err
			}
			if !cascade {
				continue
			}
			props := map[string]any{}
			if err := json.Unmarshal([]byte(row.Data), &props); err != nil {
				return err
			}
			for _, r := range collectRefs(td.props, props, "") {
				rtd, err := s.writerType(w.tx, r.typeName)
				if err != nil || !rtd.draftPublic() {
					continue // a related object of a type without the switch has no status
				}
				rrow, err := w.row(r.typeName, r.id)
				if err != nil {
					return err
				}
				if rrow.live() {
					if err := s.applyStatusTx(w, rrow, action, done); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// applyStatusTx sets row's publication state for action and reports the
// change, once per object per call.
func (s *Service) applyStatusTx(w *txWriter, row *objectRow, action string, done map[[2]string]bool) error {
	key := [2]string{row.Type, strings.ToLower(row.ID)}
	if done[key] {
		return nil
	}
	done[key] = true
	p := publication{ID: row.ID, Status: StatusDraft, PublicVersion: -1}
	switch action {
	case ActionPublish:
		p = publication{ID: row.ID, Status: StatusPublic, PublicVersion: row.LatestVersion, PublishedAt: s.stamp()}
	case ActionArchive:
		p.Status = StatusArchived
	}
	if err := setPublicationTx(w.tx, row.Type, p); err != nil {
		return err
	}
	obj, err := row.object()
	if err != nil {
		return err
	}
	p.apply(obj["internal"].(map[string]any))
	return w.changed(Change{Action: action, ContentType: row.Type, ObjectID: row.ID, Version: row.LatestVersion, Object: obj})
}

// publicView is what a reader without X-MODE: preview gets of an object of
// a Draft & Public type: nothing for a draft or an archived object, the
// public version for a modified one, the object itself otherwise. ok is
// false when the object is not public.
func publicView(q *gorm.DB, td *typeDef, obj Object) (Object, bool, error) {
	internal, _ := obj["internal"].(map[string]any)
	switch internal["status"] {
	case StatusDraft, StatusArchived:
		return nil, false, nil
	case StatusModified:
		id, _ := obj["id"].(string)
		var data string
		res := q.Raw(`SELECT data FROM object_versions WHERE type = ? AND id = ? AND version = ?`, td.name, id, internal["publicVersion"]).Scan(&data)
		if res.Error != nil {
			return nil, false, res.Error
		}
		pub := Object{}
		if err := json.Unmarshal([]byte(data), &pub); err != nil {
			return nil, false, fmt.Errorf("public version of %s/%s: %w", td.name, id, err)
		}
		// The state is today's, the content the published version's.
		if pi, ok := pub["internal"].(map[string]any); ok {
			for _, k := range []string{"status", "publicVersion", "publishedAt", "latestVersion"} {
				pi[k] = internal[k]
			}
		}
		return pub, true, nil
	}
	return obj, true, nil
}

// notDraftSQL keeps, in a list, only the objects a reader without preview
// may see: those without a draft or archived state.
const notDraftSQL = `NOT EXISTS (SELECT 1 FROM object_publication p WHERE p.type = objects.type AND p.id = objects.id AND p.status IN ('draft', 'archived'))`
