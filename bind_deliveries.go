package main

import (
	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/webhook"
)

// UpdateObjectAt replaces an object (PUT) only if it is still at version,
// the one the editor loaded; otherwise it fails with status 412 and the
// stored latestVersion (If-Match over HTTP).
func (a *App) UpdateObjectAt(typeName, id string, obj map[string]any, version int) (content.Object, error) {
	o, err := a.m.Content.Replace(content.WithExpectedVersion(a.ctx, version), typeName, id, obj)
	return o, a.bindErr(err)
}

// UpdateWebhookAt replaces a webhook definition only if it is still at
// version (see UpdateObjectAt).
func (a *App) UpdateWebhookAt(id string, w map[string]any, version int) (content.Object, error) {
	return a.UpdateObjectAt(webhook.TypeName, id, w, version)
}

// TypeAt is a content type definition with its revision, the version
// UpdateTypeAt names (the ETag of GET /api/v1/internal/contenttype/{name}).
type TypeAt struct {
	Definition content.Definition `json:"definition"`
	Version    int                `json:"version"`
}

// GetTypeAt returns a type with its revision. The revision is read first:
// a write in between then makes a later UpdateTypeAt fail (412) rather
// than pass with a stale definition.
func (a *App) GetTypeAt(name string) (TypeAt, error) {
	rev, err := a.m.Content.TypeVersion(a.ctx, name)
	if err != nil {
		return TypeAt{}, a.bindErr(err)
	}
	d, err := a.m.Content.GetType(a.ctx, name, content.GetTypeOptions{})
	if err != nil {
		return TypeAt{}, a.bindErr(err)
	}
	return TypeAt{Definition: d, Version: rev}, nil
}

// UpdateTypeAt changes a content type only if it is still at version (see
// UpdateObjectAt); on success its revision is version+1.
func (a *App) UpdateTypeAt(name string, def map[string]any, version int) (content.Definition, error) {
	d, err := a.m.Content.UpdateType(content.WithExpectedVersion(a.ctx, version), name, def)
	return d, a.bindErr(err)
}

// ListAllLogs lists the execution logs of every webhook that match f,
// newest first (the Deliveries screen).
func (a *App) ListAllLogs(f delivery.LogFilter, page, limit int) (ListPage, error) {
	page, limit = pageDefaults(page, limit)
	res, err := a.m.Delivery.ListAllLogs(a.ctx, f, page, limit)
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(res.Items, res.Total, page, limit), nil
}

// RetryLogs redelivers every finished log that matches f; dryRun only
// counts them.
func (a *App) RetryLogs(f delivery.LogFilter, dryRun bool) (delivery.RetryResult, error) {
	r, err := a.m.Delivery.RetryLogs(a.ctx, f, dryRun)
	return r, a.bindErr(err)
}

// SendTest queues a test delivery of a saved object to one webhook.
func (a *App) SendTest(webhookID string, in webhook.TestRequest) (delivery.LogSummary, error) {
	s, err := a.m.Trigger.SendTest(a.ctx, webhookID, in)
	return s, a.bindErr(err)
}

// Referrers names up to 10 live objects that relate to one object, and how
// many there are (what blocks its deletion).
func (a *App) Referrers(typeName, id string) (map[string]any, error) {
	refs, total, err := a.m.Content.Referrers(a.ctx, typeName, id, 10)
	if err != nil {
		return nil, a.bindErr(err)
	}
	return map[string]any{"total": total, "data": refs}, nil
}
