package main

import (
	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/syncwebhook"
	"hookline/backend/webhook"
)

// ListWebhooks lists the webhook definitions (`_webhooks` objects).
func (a *App) ListWebhooks() (ListPage, error) {
	res, err := a.m.Content.List(a.ctx, webhook.TypeName, content.ListQuery{Page: 1, Limit: content.MaxLimit, OrderBy: "name"})
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(res.Data, res.Total, 1, content.MaxLimit), nil
}

// GetWebhook returns one webhook definition.
func (a *App) GetWebhook(id string) (content.Object, error) { return a.GetObject(webhook.TypeName, id) }

// CreateWebhook creates a webhook definition.
func (a *App) CreateWebhook(w map[string]any) (content.Object, error) {
	return a.CreateObject(webhook.TypeName, w)
}

// UpdateWebhook replaces a webhook definition.
func (a *App) UpdateWebhook(id string, w map[string]any) (content.Object, error) {
	return a.UpdateObject(webhook.TypeName, id, w)
}

// PatchWebhook changes some fields of a webhook (the enabled toggle).
func (a *App) PatchWebhook(id string, w map[string]any) (content.Object, error) {
	return a.PatchObject(webhook.TypeName, id, w)
}

// DeleteWebhook deletes a webhook definition.
func (a *App) DeleteWebhook(id string) error { return a.DeleteObject(webhook.TypeName, id) }

// WebhookLastStatus returns the newest log of each webhook, by webhook id.
func (a *App) WebhookLastStatus() (map[string]delivery.LogSummary, error) {
	last, err := a.m.Trigger.LastStatus(a.ctx)
	return last, a.bindErr(err)
}

// ListWebhookLogs lists a webhook's execution logs, newest first.
func (a *App) ListWebhookLogs(webhookID string, page, limit int, status string) (ListPage, error) {
	page, limit = pageDefaults(page, limit)
	res, err := a.m.Delivery.ListLogs(a.ctx, webhookID, delivery.LogQuery{Page: page, Limit: limit, Status: status})
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(res.Items, res.Total, page, limit), nil
}

// GetWebhookLog returns one execution with its request, response and attempts.
func (a *App) GetWebhookLog(webhookID, logID string) (delivery.LogDetail, error) {
	d, err := a.m.Delivery.GetLog(a.ctx, webhookID, logID)
	return d, a.bindErr(err)
}

// Redeliver queues a new execution of a logged payload.
func (a *App) Redeliver(webhookID, logID string) (delivery.LogSummary, error) {
	s, err := a.m.Delivery.Redeliver(a.ctx, webhookID, logID)
	return s, a.bindErr(err)
}

// TriggerCustom queues a Custom delivery of a saved object. The UI saves
// the object first; the REST API has no equivalent.
func (a *App) TriggerCustom(webhookID, contentType, objectID string) (delivery.LogSummary, error) {
	s, err := a.m.Trigger.Custom(a.ctx, webhookID, contentType, objectID)
	return s, a.bindErr(err)
}

// CodeWebhookTemplates returns the code webhook templates of the editor.
func (a *App) CodeWebhookTemplates() []syncwebhook.Template { return syncwebhook.Templates() }

// TryCodeWebhook runs code webhook code against a saved object without
// saving or logging anything.
func (a *App) TryCodeWebhook(in syncwebhook.TryInput) (syncwebhook.CodeOutcome, error) {
	out, err := a.m.Sync.Try(a.ctx, a.m.Content, in)
	return out, a.bindErr(err)
}
