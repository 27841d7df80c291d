package main

import (
	"hookline/backend/content"
)

// ListPage is Flotiq's list envelope, as the REST API returns it. (Wails
// cannot bind generic types, so the bound methods use this one.)
type ListPage struct {
	TotalCount  int `json:"total_count"`
	TotalPages  int `json:"total_pages"`
	CurrentPage int `json:"current_page"`
	Count       int `json:"count"`
	Data        any `json:"data"`
}

func newPage[T any](data []T, total, page, limit int) ListPage {
	if data == nil {
		data = []T{}
	}
	pages := 0
	if limit > 0 {
		pages = (total + limit - 1) / limit
	}
	return ListPage{TotalCount: total, TotalPages: pages, CurrentPage: page, Count: len(data), Data: data}
}

// ObjectQuery is the list query the content screen sends.
type ObjectQuery struct {
	Page           int    `json:"page"`
	Limit          int    `json:"limit"`
	OrderBy        string `json:"orderBy"`
	OrderDirection string `json:"orderDirection"`
	Filters        string `json:"filters"`
	// Status keeps only objects of this Draft & Public status; "" for all.
	Status string `json:"status"`
}

// ListTypes lists content type definitions; internal ones only when asked.
func (a *App) ListTypes(page, limit int, internal bool) (ListPage, error) {
	page, limit = pageDefaults(page, limit)
	defs, total, err := a.m.Content.ListTypes(a.ctx, content.TypeQuery{Page: page, Limit: limit, Internal: &internal})
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(defs, total, page, limit), nil
}

// GetType returns one content type definition.
func (a *App) GetType(name string) (content.Definition, error) {
	d, err := a.m.Content.GetType(a.ctx, name, content.GetTypeOptions{})
	return d, a.bindErr(err)
}

// CreateType creates a content type from a Flotiq definition.
func (a *App) CreateType(def map[string]any) (content.Definition, error) {
	d, err := a.m.Content.CreateType(a.ctx, def)
	return d, a.bindErr(err)
}

// UpdateType changes a content type; objects follow as in Flotiq.
func (a *App) UpdateType(name string, def map[string]any) (content.Definition, error) {
	d, err := a.m.Content.UpdateType(a.ctx, name, def)
	return d, a.bindErr(err)
}

// DeleteType deletes a content type that has no objects.
func (a *App) DeleteType(name string) error {
	return a.bindErr(a.m.Content.DeleteType(a.ctx, name))
}

// ListObjects lists one page of a type's objects.
func (a *App) ListObjects(typeName string, q ObjectQuery) (ListPage, error) {
	page, limit := pageDefaults(q.Page, q.Limit)
	res, err := a.m.Content.List(a.ctx, typeName, content.ListQuery{
		Page: page, Limit: limit, OrderBy: q.OrderBy, OrderDirection: q.OrderDirection, Filters: q.Filters, Status: q.Status,
	})
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(res.Data, res.Total, page, limit), nil
}

// GetObject returns one object.
func (a *App) GetObject(typeName, id string) (content.Object, error) {
	o, err := a.m.Content.Get(a.ctx, typeName, id)
	return o, a.bindErr(err)
}

// CreateObject creates an object; matching webhooks are queued with it.
func (a *App) CreateObject(typeName string, obj map[string]any) (content.Object, error) {
	o, err := a.m.Content.Create(a.ctx, typeName, obj)
	return o, a.bindErr(err)
}

// UpdateObject replaces an object (PUT).
func (a *App) UpdateObject(typeName, id string, obj map[string]any) (content.Object, error) {
	o, err := a.m.Content.Replace(a.ctx, typeName, id, obj)
	return o, a.bindErr(err)
}

// PatchObject updates some fields of an object (PATCH).
func (a *App) PatchObject(typeName, id string, obj map[string]any) (content.Object, error) {
	o, err := a.m.Content.Patch(a.ctx, typeName, id, obj)
	return o, a.bindErr(err)
}

// DeleteObject deletes an object.
func (a *App) DeleteObject(typeName, id string) error {
	return a.bindErr(a.m.Content.Delete(a.ctx, typeName, id))
}

// DeleteResult is what a batch delete reports.
type DeleteResult struct {
	DeletedCount int `json:"deletedCount"`
}

// DeleteObjects deletes several objects at once.
func (a *App) DeleteObjects(typeName string, ids []string) (DeleteResult, error) {
	n, err := a.m.Content.BatchDelete(a.ctx, typeName, ids)
	return DeleteResult{DeletedCount: n}, a.bindErr(err)
}

// ListVersions lists an object's versions.
func (a *App) ListVersions(typeName, id string) (ListPage, error) {
	items, total, err := a.m.Content.Versions(a.ctx, typeName, id, content.VersionQuery{Page: 1, Limit: content.MaxLimit})
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(items, total, 1, content.MaxLimit), nil
}

// GetVersion returns an object as it was at version n.
func (a *App) GetVersion(typeName, id string, n int) (content.Object, error) {
	o, err := a.m.Content.Version(a.ctx, typeName, id, n)
	return o, a.bindErr(err)
}

func pageDefaults(page, limit int) (int, int) {
	if page < 1 {
		page = 1
	}
	if limit < 1 {
		limit = 20
	}
	if limit > content.MaxLimit {
		limit = content.MaxLimit
	}
	return page, limit
}
