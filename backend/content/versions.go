package content

import (
	"context"
	"encoding/json"
	"time"

	"hookline/backend/errs"
)

// VersionQuery selects a page of an object's versions.
type VersionQuery struct {
	// Page is 1-based; Limit is the page size. Zero values mean 1 and 20.
	Page  int `json:"page"`
	Limit int `json:"limit"`
	// OrderBy is internal.createdAt (default), internal.updatedAt or
	// version; all of them follow the version number.
	OrderBy string `json:"orderBy"`
	// OrderDirection is asc (default) or desc.
	OrderDirection string `json:"orderDirection"`
}

// VersionItem describes one saved version, as in Flotiq's versionItem
// without the owner/editor users, which a local app does not have.
type VersionItem struct {
	ID        string         `json:"id"`
	Version   int            `json:"version"`
	Current   bool           `json:"current"`
	CreatedAt string         `json:"createdAt"`
	UpdatedAt string         `json:"updatedAt"`
	DeletedAt string         `json:"deletedAt"`
	Internal  map[string]any `json:"internal"`
}

type versionRow struct {
	Version   int
	Data      string
	CreatedAt string
}

// Versions lists the versions of a live object and how many there are.
func (s *Service) Versions(ctx context.Context, typeName, id string, q VersionQuery) ([]VersionItem, int, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Limit < 1 {
		q.Limit = 20
	}
	if q.Limit > MaxLimit {
		return nil, 0, errs.InvalidField("limit", "Must be at most %d", MaxLimit)
	}
	switch q.OrderBy {
	case "", "internal.createdAt", "internal.updatedAt", "createdAt", "updatedAt", "version":
	default:
		return nil, 0, errs.InvalidField("order_by", "Must be internal.createdAt, internal.updatedAt or version")
	}
	desc, err := direction(q.OrderDirection)
	if err != nil {
		return nil, 0, err
	}
	db := s.db.R.WithContext(ctx)
	if _, err := s.loadType(db, typeName); err != nil {
		return nil, 0, err
	}
	row, err := findRowTx(db, typeName, id)
	if err != nil {
		return nil, 0, err
	}
	if !row.live() {
		return nil, 0, notFoundObject(typeName, id)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	var rows []versionRow
	err = db.Raw(`SELECT version, data, created_at FROM object_versions WHERE type = ? AND id = ? ORDER BY version `+dir+` LIMIT ? OFFSET ?`,
		typeName, row.ID, q.Limit, (q.Page-1)*q.Limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	out := make([]VersionItem, 0, len(rows))
	for _, v := range rows {
		var snap struct {
			Internal map[string]any `json:"internal"`
		}
		if err := json.Unmarshal([]byte(v.Data), &snap); err != nil {
			return nil, 0, err
		}
		at := formatObjectTime(v.CreatedAt)
		out = append(out, VersionItem{ID: row.ID, Version: v.Version, Current: v.Version == row.LatestVersion,
			CreatedAt: at, UpdatedAt: at, DeletedAt: "", Internal: snap.Internal})
	}
	return out, row.LatestVersion, nil
}

// Version returns a live object as it was at version n (1-based, as
// internal.latestVersion counts).
func (s *Service) Version(ctx context.Context, typeName, id string, n int) (Object, error) {
	db := s.db.R.WithContext(ctx)
	if _, err := s.loadType(db, typeName); err != nil {
		return nil, err
	}
	row, err := findRowTx(db, typeName, id)
	if err != nil {
		return nil, err
	}
	if !row.live() {
		return nil, notFoundObject(typeName, id)
	}
	var rows []versionRow
	if err := db.Raw(`SELECT version, data, created_at FROM object_versions WHERE type = ? AND id = ? AND version = ?`, typeName, row.ID, n).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errs.New(errs.NotFound, "Version %d of %s/%s not found", n, typeName, id)
	}
	obj := Object{}
	if err := json.Unmarshal([]byte(rows[0].Data), &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// Removed lists the ids of a type's removed objects, oldest removal first;
// with a non-zero after, only those removed after it.
func (s *Service) Removed(ctx context.Context, typeName string, after time.Time) ([]string, error) {
	db := s.db.R.WithContext(ctx)
	if _, err := s.loadType(db, typeName); err != nil {
		return nil, err
	}
	sql := `SELECT id FROM objects WHERE type = ? AND deleted_at IS NOT NULL`
	args := []any{typeName}
	if !after.IsZero() {
		sql += ` AND deleted_at > ?`
		args = append(args, after.UTC().Format(storedTime))
	}
	ids := []string{}
	if err := db.Raw(sql+` ORDER BY deleted_at, id`, args...).Scan(&ids).Error; err != nil {
		return nil, err
	}
	return ids, nil
}
