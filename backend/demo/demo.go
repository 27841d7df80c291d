// Package demo loads the first-run sample: two content types with a few
// objects, an inbox, and a webhook from those types to that inbox, so a new
// user sees a delivery go from pending to done within seconds.
package demo

import (
	"context"
	"fmt"

	"hookline/backend/content"
	"hookline/backend/errs"
	"hookline/backend/inbox"
	"hookline/backend/webhook"
)

// InboxName is the demo's inbox.
const InboxName = "demo"

// SyncInboxName is the demo's inbox that answers synchronous webhooks.
const SyncInboxName = "demo-sync"

// SyncNote says what the demo's sync webhook does; the UI shows it after
// Load demo.
const SyncNote = "The demo also adds a synchronous webhook, \"Demo sync (disabled)\". Enable it and every product you save first goes to the demo-sync inbox, which answers like a Flotiq sync receiver: it stamps the description with \"Checked by the demo-sync inbox\" (a JSON merge patch you can change in the inbox)."

// Result says what Load created.
type Result struct {
	Types     []string `json:"types"`
	Objects   int      `json:"objects"`
	Inbox     string   `json:"inbox"`
	WebhookID string   `json:"webhookId"`
	// SyncWebhookID is the disabled sync webhook pointed at SyncInbox.
	SyncWebhookID string `json:"syncWebhookId"`
	SyncInbox     string `json:"syncInbox"`
	Note          string `json:"note"`
}

// Loader creates the demo through the ordinary services, so everything it
// writes is validated and queued exactly as a user's own changes are.
type Loader struct {
	Content *content.Service
	Inbox   *inbox.Service
	// BaseURL is this Hookline's own HTTP address; the webhook points at
	// BaseURL + "/inbox/demo".
	BaseURL string
}

// Load creates the demo. It refuses (409) when any piece already exists, so
// it never overwrites anything; if a step fails midway, what it had created
// is removed again.
func (l Loader) Load(ctx context.Context) (res Result, err error) {
	for _, t := range []string{"product", "blogpost"} {
		if _, err := l.Content.GetType(ctx, t, content.GetTypeOptions{}); err == nil {
			return res, errs.New(errs.Conflict, "a content type %q already exists; the demo never overwrites your data", t)
		} else if errs.CodeOf(err) != errs.NotFound {
			return res, err
		}
	}
	for _, name := range []string{InboxName, SyncInboxName} {
		if _, err := l.Inbox.Get(ctx, name); err == nil {
			return res, errs.New(errs.Conflict, "an inbox %q already exists; the demo never overwrites your data", name)
		} else if errs.CodeOf(err) != errs.NotFound {
			return res, err
		}
	}

	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	bg := context.WithoutCancel(ctx)

	if _, err = l.Inbox.Create(ctx, inbox.Input{Name: InboxName, Body: `{"message":"Hook received!"}`, Headers: map[string]string{"Content-Type": "application/json"}}); err != nil {
		return res, fmt.Errorf("demo inbox: %w", err)
	}
	undo = append(undo, func() { _ = l.Inbox.Delete(bg, InboxName) })
	res.Inbox = InboxName

	for _, def := range []map[string]any{productType(), blogPostType()} {
		name := def["name"].(string)
		if _, err = l.Content.CreateType(ctx, def); err != nil {
			return res, fmt.Errorf("demo type %s: %w", name, err)
		}
		undo = append(undo, func() { _ = l.Content.DeleteType(bg, name) })
		res.Types = append(res.Types, name)
	}

	hook, err := l.Content.Create(ctx, webhook.TypeName, map[string]any{
		"name":    "Demo inbox",
		"type":    "async",
		"url":     l.BaseURL + "/inbox/" + InboxName,
		"enabled": true,
		"actions": []any{map[string]any{"action": "Create"}, map[string]any{"action": "Update"}, map[string]any{"action": "Delete"}, map[string]any{"action": "Custom"}},
		"content_type_definitions": []any{
			map[string]any{"content_type_definition_name": "product"},
			map[string]any{"content_type_definition_name": "blogpost"},
		},
		"headers": []any{map[string]any{"header_name": "AUTH", "header_value": "secret_token"}},
	})
	if err != nil {
		return res, fmt.Errorf("demo webhook: %w", err)
	}
	res.WebhookID, _ = hook["id"].(string)
	undo = append(undo, func() { _ = l.Content.Delete(bg, webhook.TypeName, res.WebhookID) })

	for _, o := range sampleObjects() {
		typ := o.typ
		created, cerr := l.Content.Create(ctx, typ, o.body)
		if cerr != nil {
			err = fmt.Errorf("demo object: %w", cerr)
			return res, err
		}
		id, _ := created["id"].(string)
		undo = append(undo, func() { _ = l.Content.Delete(bg, typ, id) })
		res.Objects++
	}
	if err = l.loadSync(ctx, &res, &undo); err != nil {
		return res, err
	}
	return res, nil
}

// loadSync adds the inbox that answers sync requests and a disabled sync
// webhook aimed at it: disabled, so that the demo's saves stay as they are
// until the user turns it on.
func (l Loader) loadSync(ctx context.Context, res *Result, undo *[]func()) error {
	bg := context.WithoutCancel(ctx)
	if _, err := l.Inbox.Create(ctx, inbox.Input{Name: SyncInboxName, SyncMode: inbox.SyncModify,
		SyncPatch: map[string]any{"description": "Checked by the demo-sync inbox"}}); err != nil {
		return fmt.Errorf("demo sync inbox: %w", err)
	}
	*undo = append(*undo, func() { _ = l.Inbox.Delete(bg, SyncInboxName) })
	hook, err := l.Content.Create(ctx, webhook.TypeName, map[string]any{
		"name": "Demo sync (disabled)", "type": "sync", "executionMode": "url",
		"url":                      l.BaseURL + "/inbox/" + SyncInboxName,
		"enabled":                  false,
		"actions":                  []any{map[string]any{"action": "Create"}, map[string]any{"action": "Update"}},
		"content_type_definitions": []any{map[string]any{"content_type_definition_name": "product"}},
	})
	if err != nil {
		return fmt.Errorf("demo sync webhook: %w", err)
	}
	res.SyncWebhookID, _ = hook["id"].(string)
	*undo = append(*undo, func() { _ = l.Content.Delete(bg, webhook.TypeName, res.SyncWebhookID) })
	res.SyncInbox, res.Note = SyncInboxName, SyncNote
	return nil
}

type sample struct {
	typ  string
	body map[string]any
}

func sampleObjects() []sample {
	return []sample{
		{"product", map[string]any{"id": "product-399121", "name": "Premium pack", "price": 500, "description": "Everything in one box."}},
		{"product", map[string]any{"name": "Starter kit", "price": 49, "description": "A small first step."}},
		{"product", map[string]any{"name": "Gift card", "price": 25}},
		{"blogpost", map[string]any{"title": "Hello, Hookline", "content": "Every change to this post sends a webhook to the demo inbox."}},
		{"blogpost", map[string]any{"title": "Testing receivers locally", "content": "Point a webhook at an inbox, make it fail on purpose, watch the retries."}},
	}
}

func productType() map[string]any {
	return ctd("product", "Product",
		[]string{"name", "price", "description"},
		map[string]any{
			"name":        map[string]any{"type": "string", "minLength": 1},
			"price":       map[string]any{"type": "number", "minimum": 0},
			"description": map[string]any{"type": "string"},
		},
		[]string{"name", "price"},
		map[string]any{
			"name":        prop("Name", "text", true),
			"price":       prop("Price", "number", false),
			"description": prop("Description", "textarea", false),
		})
}

func blogPostType() map[string]any {
	return ctd("blogpost", "Blog post",
		[]string{"title", "content"},
		map[string]any{
			"title":   map[string]any{"type": "string", "minLength": 1},
			"content": map[string]any{"type": "string"},
		},
		[]string{"title"},
		map[string]any{
			"title":   prop("Title", "text", true),
			"content": prop("Content", "textMarkdown", false),
		})
}

func prop(label, input string, title bool) map[string]any {
	p := map[string]any{"label": label, "inputType": input, "unique": false, "helpText": ""}
	if title {
		p["isTitlePart"] = true
	}
	return p
}

func ctd(name, label string, order []string, props map[string]any, required []string, config map[string]any) map[string]any {
	ord := make([]any, len(order))
	for i, o := range order {
		ord[i] = o
	}
	req := make([]any, len(required))
	for i, r := range required {
		req[i] = r
	}
	return map[string]any{
		"name":  name,
		"label": label,
		"schemaDefinition": map[string]any{
			"type": "object",
			"allOf": []any{
				map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
				map[string]any{"type": "object", "properties": props},
			},
			"required":             req,
			"additionalProperties": false,
		},
		"metaDefinition": map[string]any{"order": ord, "propertiesConfig": config},
	}
}
