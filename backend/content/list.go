package content

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// MaxLimit is the largest page Flotiq serves.
const MaxLimit = 1000

// ListQuery selects a page of objects (GET /api/v1/content/{type}).
type ListQuery struct {
	// Page is 1-based; Limit is the page size (at most MaxLimit). Zero
	// values mean 1 and 20.
	Page  int `json:"page"`
	Limit int `json:"limit"`
	// OrderBy is "id", "internal.createdAt" (default), another internal.*
	// field, or a property path.
	OrderBy string `json:"orderBy"`
	// OrderDirection is asc (default) or desc.
	OrderDirection string `json:"orderDirection"`
	// Filters is the raw filters JSON (see ParseFilters).
	Filters string `json:"filters"`
	// IDs keeps only these ids.
	IDs []string `json:"ids"`
	// EmptyFirst puts objects without a value for OrderBy first.
	EmptyFirst bool `json:"emptyFirst"`
	// Hydrate replaces relations with the related objects, 1 or 2 levels.
	Hydrate int `json:"hydrate"`
	// Public serves what a reader without X-MODE: preview gets of a Draft
	// & Public type: no drafts or archived objects, and the public version
	// of modified ones. Other types ignore it.
	Public bool `json:"public"`
	// Status keeps only objects of this Draft & Public status (draft,
	// public, modified, archived); "" for all. Other types ignore it.
	Status string `json:"status"`
}

// Page is one page of objects and how many matched in all.
type Page struct {
	Data  []Object `json:"data"`
	Total int      `json:"total"`
}

// orderColumns maps sortable internal fields to indexed columns.
var orderColumns = map[string]string{
	"":                       "created_at",
	"internal.createdAt":     "created_at",
	"internal.updatedAt":     "updated_at",
	"internal.deletedAt":     "deleted_at",
	"internal.objectTitle":   "title",
	"internal.latestVersion": "latest_version",
	"id":                     "id",
}

// List returns one page of live objects.
//
// Sorting by created/updated time, id or the title walks a partial index
// over the type's live objects; the page itself is found on the index alone
// and only its rows are read, so deep pages stay cheap.
func (s *Service) List(ctx context.Context, typeName string, q ListQuery) (Page, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Limit < 1 {
		q.Limit = 20
	}
	if q.Limit > MaxLimit {
		return Page{}, errs.InvalidField("limit", "Must be at most %d", MaxLimit)
	}
	db := s.db.R.WithContext(ctx)
	td, err := s.loadType(db, typeName)
	if err != nil {
		return Page{}, err
	}
	filters, err := ParseFilters(q.Filters)
	if err != nil {
		return Page{}, err
	}
	where := []string{"type = ?", "deleted_at IS NULL"}
	args := []any{typeName}
	dialect := contentSQLOf(db)
	for _, f := range filters {
		frag, err := dialect.filter(f)
		if err != nil {
			return Page{}, err
		}
		where = append(where, frag.sql)
		args = append(args, frag.args...)
	}
	if len(q.IDs) > 0 {
		where = append(where, "id IN ("+placeholders(len(q.IDs))+")")
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	pubFilter := false
	if td.draftPublic() {
		frag, fargs, err := statusSQL(q)
		if err != nil {
			return Page{}, err
		}
		if frag != "" {
			where, args, pubFilter = append(where, frag), append(args, fargs...), true
		}
	}
	whereSQL := strings.Join(where, " AND ")

	// With filters, walking an index in sort order can mean reading most
	// rows at random just to find a few matches (~0.5 s at 100k objects);
	// scanning and sorting is bounded (~0.1 s), so the index is then only
	// used to filter, not to order.
	order, orderArgs, err := orderSQL(db, td, q, len(filters) > 0)
	if err != nil {
		return Page{}, err
	}

	// Unfiltered, the total is kept by triggers (see object_counts).
	countSQL := `SELECT COUNT(*) FROM objects WHERE ` + whereSQL
	if len(filters) == 0 && len(q.IDs) == 0 && !pubFilter {
		// A sum: PostgreSQL keeps a type's count in several rows (see
		// its 0002); SQLite's one row sums to itself.
		countSQL = `SELECT COALESCE((SELECT SUM(live) FROM object_counts WHERE type = ?), 0)`
	}
	var total int
	if err := db.Raw(countSQL, args...).Scan(&total).Error; err != nil {
		return Page{}, err
	}
	page := Page{Data: []Object{}, Total: total}
	offset := (q.Page - 1) * q.Limit
	if offset >= total {
		return page, nil
	}
	// The inner query finds the page's rowids; the outer one reads only
	// those rows.
	rowid := store.DialectOf(db).RowID()
	sql := `SELECT ` + objectColumns + ` FROM objects WHERE ` + rowid + ` IN (SELECT ` + rowid + ` FROM objects WHERE ` + whereSQL +
		` ORDER BY ` + order + ` LIMIT ? OFFSET ?) ORDER BY ` + order
	all := append(append(append(append([]any{}, args...), orderArgs...), q.Limit, offset), orderArgs...)
	var rows []objectRow
	if err := db.Raw(sql, all...).Scan(&rows).Error; err != nil {
		return Page{}, err
	}
	for i := range rows {
		o, err := rows[i].object()
		if err != nil {
			return Page{}, err
		}
		page.Data = append(page.Data, o)
	}
	if err := decorate(db, td, page.Data...); err != nil {
		return Page{}, err
	}
	if q.Public && td.draftPublic() {
		for i, o := range page.Data {
			if page.Data[i], _, err = publicView(db, td, o); err != nil {
				return Page{}, err
			}
		}
	}
	if q.Hydrate > 0 {
		if err := s.hydrate(ctx, page.Data, min(q.Hydrate, 2), q.Public); err != nil {
			return Page{}, err
		}
	}
	return page, nil
}

// orderSQL returns the ORDER BY clause. Ties break on id so that pages are
// stable. With noIndex, columns are written as +col, which keeps SQLite from
// using an index to produce the order.
func orderSQL(db *gorm.DB, td *typeDef, q ListQuery, noIndex bool) (string, []any, error) {
	desc, err := direction(q.OrderDirection)
	if err != nil {
		return "", nil, err
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	plain := func(col string) string {
		if noIndex {
			return store.DialectOf(db).NoIndexOrder(col)
		}
		return col
	}
	if col, ok := orderColumns[q.OrderBy]; ok {
		if col == "id" {
			return plain("id") + dir, nil, nil
		}
		return plain(col) + dir + ", " + plain("id") + dir, nil, nil
	}
	field := q.OrderBy
	if strings.HasPrefix(field, "internal.") || !fieldRe.MatchString(field) || strings.Contains(field, "[*]") {
		return "", nil, errs.InvalidField("order_by", "Cannot order by %q", field)
	}
	root := field
	if i := strings.IndexAny(field, ".["); i >= 0 {
		root = field[:i]
	}
	if td.props.byName[root] == nil {
		return "", nil, errs.InvalidField("order_by", "Cannot order by %q: no such property", field)
	}
	if field == td.titleProp() {
		// objectTitle is exactly this property's value, and it is indexed.
		return plain("title") + dir + ", " + plain("id") + dir, nil, nil
	}
	// Objects without a value go last unless EmptyFirst asks otherwise.
	sql, args := contentSQLOf(db).orderByPath("$."+field, dir, q.EmptyFirst)
	return sql, args, nil
}

// statusSQL is the Draft & Public part of a list's WHERE clause.
func statusSQL(q ListQuery) (string, []any, error) {
	var parts []string
	var args []any
	if q.Public {
		parts = append(parts, notDraftSQL)
	}
	switch q.Status {
	case "":
	case StatusPublic:
		// Objects without a row were public before the switch.
		parts = append(parts, `NOT EXISTS (SELECT 1 FROM object_publication p WHERE p.type = objects.type AND p.id = objects.id AND p.status <> 'public')`)
	case StatusDraft, StatusModified, StatusArchived:
		parts = append(parts, `EXISTS (SELECT 1 FROM object_publication p WHERE p.type = objects.type AND p.id = objects.id AND p.status = ?)`)
		args = append(args, q.Status)
	default:
		return "", nil, errs.InvalidField("status", "Must be one of draft, public, modified, archived")
	}
	return strings.Join(parts, " AND "), args, nil
}
