package content

import (
	"context"
	"fmt"
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
