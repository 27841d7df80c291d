package content

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Referrer is a live object that relates to another one.
type Referrer struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Referrers returns up to limit live objects that relate to typeName/id,
// and how many there are: what keeps it from being deleted, so the refusal
// can name them ("used in blogpost-123 (Hello webhooks)").
func (s *Service) Referrers(ctx context.Context, typeName, id string, limit int) ([]Referrer, int, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	q := s.db.R.WithContext(ctx)
	var total int
	const from = ` FROM object_refs r JOIN objects o ON o.type = r.type AND o.id = r.id AND o.deleted_at IS NULL
		WHERE r.ref_type = ? AND r.ref_id = ? AND NOT (r.type = ? AND r.id = ?)`
	if err := q.Raw(`SELECT COUNT(*)`+from, typeName, id, typeName, id).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("referrers of %s/%s: %w", typeName, id, err)
	}
	out := []Referrer{}
	if err := q.Raw(`SELECT o.type AS type, o.id AS id, o.title AS title`+from+` ORDER BY o.type, o.id LIMIT ?`,
		typeName, id, typeName, id, limit).Scan(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("referrers of %s/%s: %w", typeName, id, err)
	}
	return out, total, nil
}

// referencingTx names (as "type/id", at most 5) the live objects that
// relate to row.
func referencingTx(tx *gorm.DB, row *objectRow) ([]string, error) {
	var users []struct{ Type, ID string }
	err := tx.Raw(`SELECT type, id FROM object_refs WHERE ref_type = ? AND ref_id = ? AND NOT (type = ? AND id = ?) ORDER BY type, id LIMIT 5`,
		row.Type, row.ID, row.Type, row.ID).Scan(&users).Error
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.Type+"/"+u.ID)
	}
	return out, err
}

func referencedTx(tx *gorm.DB, row *objectRow) (bool, error) {
	var n int
	err := tx.Raw(`SELECT COUNT(*) FROM object_refs WHERE ref_type = ? AND ref_id = ? AND NOT (type = ? AND id = ?)`,
		row.Type, row.ID, row.Type, row.ID).Scan(&n).Error
	return n > 0, err
}
