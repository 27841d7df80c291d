package main

import (
	"hookline/backend/inbox"
)

// ListInboxes lists the inboxes.
func (a *App) ListInboxes() ([]inbox.Inbox, error) {
	l, err := a.m.Inbox.List(a.ctx)
	return l, a.bindErr(err)
}

// GetInbox returns one inbox.
func (a *App) GetInbox(name string) (inbox.Inbox, error) {
	i, err := a.m.Inbox.Get(a.ctx, name)
	return i, a.bindErr(err)
}

// CreateInbox creates an inbox.
func (a *App) CreateInbox(in inbox.Input) (inbox.Inbox, error) {
	i, err := a.m.Inbox.Create(a.ctx, in)
	return i, a.bindErr(err)
}

// UpdateInbox replaces an inbox's response script.
func (a *App) UpdateInbox(name string, in inbox.Input) (inbox.Inbox, error) {
	i, err := a.m.Inbox.Update(a.ctx, name, in)
	return i, a.bindErr(err)
}

// DeleteInbox deletes an inbox and its requests.
func (a *App) DeleteInbox(name string) error { return a.bindErr(a.m.Inbox.Delete(a.ctx, name)) }

// ListInboxRequests lists an inbox's requests, newest first.
func (a *App) ListInboxRequests(name string, page, limit int) (ListPage, error) {
	page, limit = pageDefaults(page, limit)
	items, total, err := a.m.Inbox.ListRequests(a.ctx, name, page, limit)
	if err != nil {
		return ListPage{}, a.bindErr(err)
	}
	return newPage(items, total, page, limit), nil
}

// GetInboxRequest returns one recorded request.
func (a *App) GetInboxRequest(name, id string) (inbox.Request, error) {
	r, err := a.m.Inbox.GetRequest(a.ctx, name, id)
	return r, a.bindErr(err)
}

// ClearInbox removes an inbox's requests.
func (a *App) ClearInbox(name string) error { return a.bindErr(a.m.Inbox.Clear(a.ctx, name)) }

// ReplayInboxRequest re-sends a recorded request to url.
func (a *App) ReplayInboxRequest(name, id, url string) (inbox.ReplayResult, error) {
	r, err := a.m.Inbox.Replay(a.ctx, name, id, url)
	return r, a.bindErr(err)
}
