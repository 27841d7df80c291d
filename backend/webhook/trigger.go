package webhook

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"

	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/errs"
	"hookline/backend/store"
)

// Trigger is where a content change becomes queued HTTP requests. It is the
// content service's Hook: inside the transaction that saves an object it
// matches the change against the webhooks and queues one delivery (with its
// pending log) per match, so the deliveries commit or roll back with the
// change. After the commit it wakes the delivery pool.
type Trigger struct {
	db      *store.DB
	content *content.Service
	queue   *delivery.Service

	mu sync.Mutex
	// hooks caches the parsed definitions; nil means "reload". Definitions
	// change rarely and every change goes through ChangedTx, which drops
	// the cache, so the hot path never re-reads them.
	hooks []Webhook
	// hooksVer is the shared database's webhooks version hooks were loaded
	// at (store.DB.CacheVersion; 0 on SQLite): another instance's change
	// makes it stale before its notification arrives.
	hooksVer int64
}

// NewTrigger wires the trigger. SetContent must be called before use: the
// content service takes the trigger as its Hook, so one of the two has to be
// built first.
func NewTrigger(db *store.DB, queue *delivery.Service) *Trigger {
	t := &Trigger{db: db, queue: queue}
	// Another instance changed a webhook: drop a list loaded before that
	// change. A lost notification is covered by the version check in
	// webhooksTx and Definitions.
	db.Subscribe(func(payload string) {
		rest, ok := strings.CutPrefix(payload, "webhooks:")
		if !ok {
			return
		}
		if v, err := strconv.ParseInt(rest, 10, 64); err == nil {
			t.mu.Lock()
			if t.hooksVer < v {
				t.hooks = nil
			}
			t.mu.Unlock()
		}
	})
	return t
}

// SetContent gives the trigger the content service it reads webhooks from.
func (t *Trigger) SetContent(c *content.Service) { t.content = c }

// InternalType registers `_webhooks` with the content service, with the
// webhook rules on top of its JSON Schema. knownType reports whether a
// content type exists.
func InternalType(knownType func(name string) bool) content.InternalType {
	return content.InternalType{
		Definition: Definition(),
		Validate:   func(obj map[string]any) errs.Fields { return Validate(obj, knownType) },
	}
}

// ChangedTx implements content.Hook.
func (t *Trigger) ChangedTx(ctx context.Context, tx *gorm.DB, c content.Change) error {
	return t.ChangedBatchTx(ctx, tx, []content.Change{c})
}

// ChangedBatchTx implements content.BatchHook: the deliveries of all of cs
// are queued by one EnqueueTx, so a batch of 100 creates costs one
// multi-row INSERT pair instead of 100.
func (t *Trigger) ChangedBatchTx(ctx context.Context, tx *gorm.DB, cs []content.Change) error {
	var ds []delivery.NewDelivery
	for _, c := range cs {
		if c.ContentType == TypeName {
			t.invalidate()
			continue
		}
		if silenced(ctx) {
			continue
		}
		// Internal types (names starting with "_") are system data, not
		// content, except the media library's: Flotiq sends webhooks for
		// media and tag objects like any other.
		if strings.HasPrefix(c.ContentType, "_") && c.ContentType != "_media" && c.ContentType != "_tag" {
			continue
		}
		hooks, err := t.webhooksTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, w := range hooks {
			// Sync webhooks ran before the save (backend/syncwebhook); CTD
			// ones never match an object change.
			if w.Type != TypeAsync || !w.Matches(c.Action, c.ContentType) {
				continue
			}
			d, err := newDelivery(w, c)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	if err := spendFanout(ctx, len(ds)); err != nil {
		return err
	}
	_, err := t.queue.EnqueueTx(ctx, tx, ds)
	return err
}

// Committed implements content.Hook: one in-process signal wakes the pool.
func (t *Trigger) Committed() { t.queue.Notify() }

// RolledBack implements content.Hook. Definitions cached while the failed
// transaction was open may include its uncommitted webhook changes.
func (t *Trigger) RolledBack() { t.invalidate() }

func (t *Trigger) invalidate() {
	t.mu.Lock()
	t.hooks = nil
	t.mu.Unlock()
}

// webhooksTx returns the definitions, loading them inside tx when the cache
// is empty. Loading inside the writer's transaction means the list is never
// older than the change being matched.
func (t *Trigger) webhooksTx(ctx context.Context, tx *gorm.DB) ([]Webhook, error) {
	ver, err := t.db.CacheVersion(tx, "webhooks")
	if err != nil {
		return nil, fmt.Errorf("load webhooks: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hooks != nil && t.hooksVer == ver {
		return t.hooks, nil
	}
	objs, err := t.content.ListAllTx(ctx, tx, TypeName)
	if err != nil {
		return nil, fmt.Errorf("load webhooks: %w", err)
	}
	hooks := make([]Webhook, 0, len(objs))
	for _, o := range objs {
		w, err := FromObject(o)
		if err != nil {
			return nil, fmt.Errorf("webhook %v: %w", o["id"], err)
		}
		hooks = append(hooks, w)
	}
	t.hooks, t.hooksVer = hooks, ver
	return hooks, nil
}

// Definitions returns every webhook definition, for callers outside a write
// (the synchronous webhooks, before a save). A cold cache is filled through
// the writer, like a save fills it, so the list is never older than the
// last committed change: every later change of `_webhooks` drops it again.
func (t *Trigger) Definitions(ctx context.Context) ([]Webhook, error) {
	ver, err := t.db.CacheVersion(t.db.R.WithContext(ctx), "webhooks")
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	hooks, fresh := t.hooks, t.hooksVer == ver
	t.mu.Unlock()
	if hooks != nil && fresh {
		return hooks, nil
	}
	err = t.db.InTx(ctx, func(tx *gorm.DB) error {
		var err error
		hooks, err = t.webhooksTx(context.WithoutCancel(ctx), tx)
		return err
	})
	return hooks, err
}

func newDelivery(w Webhook, c content.Change) (delivery.NewDelivery, error) {
	body, err := Payload(w.ID, c)
	if err != nil {
		return delivery.NewDelivery{}, err
	}
	headers := make([]delivery.Header, len(w.Headers))
	for i, h := range w.Headers {
		headers[i] = delivery.Header{Name: h.Name, Value: h.Value}
	}
	return delivery.NewDelivery{
		WebhookID:   w.ID,
		Action:      c.Action,
		ContentType: c.ContentType,
		ObjectID:    c.ObjectID,
		URL:         w.URL,
		Headers:     headers,
		Secret:      w.SigningSecret,
		TLSCAPEM:    w.TLSCAPEM,
		Body:        body,
	}, nil
}

// Custom queues a Custom delivery of a saved object for one webhook. Only
// the app's own UI calls it (a bound method, or the session-only browser
// route): Flotiq offers no way to trigger Custom through the API, and
// neither does Hookline's REST API. The payload is built as for Update,
// from the object's latest saved version.
func (t *Trigger) Custom(ctx context.Context, webhookID, contentType, objectID string) (delivery.LogSummary, error) {
	obj, err := t.content.Get(ctx, contentType, objectID)
	if err != nil {
		return delivery.LogSummary{}, err
	}
	version, err := latestVersion(obj)
	if err != nil {
		return delivery.LogSummary{}, err
	}
	id, _ := obj["id"].(string)
	change := content.Change{Action: content.ActionCustom, ContentType: contentType, ObjectID: id, Version: version, Object: obj}
	var ids []string
	err = t.db.InTx(ctx, func(tx *gorm.DB) error {
		// Once running, the shared transaction must not be cut by the end
		// of the request (see store.DB.InTx).
		ctx := context.WithoutCancel(ctx)
		w, err := t.webhookTx(ctx, tx, webhookID)
		if err != nil {
			return err
		}
		if w.Type != TypeAsync || !w.Matches(content.ActionCustom, contentType) {
			return errs.New(errs.Invalid, "webhook %q is disabled, has no Custom action, or does not listen to %q", w.Name, contentType)
		}
		d, err := newDelivery(w, change)
		if err != nil {
			return err
		}
		ids, err = t.queue.EnqueueTx(ctx, tx, []delivery.NewDelivery{d})
		return err
	})
	if err != nil {
		return delivery.LogSummary{}, err
	}
	t.queue.Notify()
	d, err := t.queue.GetLog(ctx, webhookID, ids[0])
	return d.LogSummary, err
}

// webhookTx finds one webhook among the definitions tx sees, by id
// (case-insensitively, as object ids are).
func (t *Trigger) webhookTx(ctx context.Context, tx *gorm.DB, webhookID string) (Webhook, error) {
	hooks, err := t.webhooksTx(ctx, tx)
	if err != nil {
		return Webhook{}, err
	}
	for _, w := range hooks {
		if strings.EqualFold(w.ID, webhookID) {
			return w, nil
		}
	}
	return Webhook{}, errs.New(errs.NotFound, "webhook %q not found", webhookID)
}

// LastStatus returns the newest execution log of every webhook, by webhook
// id, for the webhooks list. It reads committed definitions, not the cache.
func (t *Trigger) LastStatus(ctx context.Context) (map[string]delivery.LogSummary, error) {
	objs, err := t.content.ListAllTx(ctx, t.db.R, TypeName)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(objs))
	for _, o := range objs {
		if id, ok := o["id"].(string); ok {
			ids = append(ids, id)
		}
	}
	return t.queue.LastStatus(ctx, ids)
}

func latestVersion(obj map[string]any) (int, error) {
	internal, _ := obj["internal"].(map[string]any)
	switch v := internal["latestVersion"].(type) {
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case float64:
		return int(v), nil
	}
	return 0, fmt.Errorf("object has no internal.latestVersion")
}
