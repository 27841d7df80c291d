package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"gorm.io/gorm"

	"hookline/backend/content"
	"hookline/backend/delivery"
)

// CTDPayload builds the body sent for a type definition change (spec §5.3,
// §5.6): the async envelope with ref /api/v1/internal/contenttype/<name>
// and the whole definition, or for Delete only {"id": …}.
func CTDPayload(webhookID string, c content.TypeChange) ([]byte, error) {
	if c.Name == "" || c.ID == "" {
		return nil, fmt.Errorf("ctd webhook payload: change needs a name and an id")
	}
	p := payload{WebhookID: webhookID, Action: c.Action, ContentTypeName: c.Name,
		Ref: "/api/v1/internal/contenttype/" + url.PathEscape(c.Name)}
	if c.Action == content.ActionDelete {
		p.Payload = map[string]string{"id": c.ID}
	} else {
		if c.Definition == nil {
			return nil, fmt.Errorf("ctd webhook payload: %s of %s has no definition", c.Action, c.Name)
		}
		p.Payload = c.Definition
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("ctd webhook payload: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// TypeChangedTx implements content.TypeHook: every enabled CTD webhook gets
// one delivery per type create, update and delete, queued in the change's
// transaction like object changes are. CTD webhooks have no action or type
// selectors.
func (t *Trigger) TypeChangedTx(ctx context.Context, tx *gorm.DB, c content.TypeChange) error {
	hooks, err := t.webhooksTx(ctx, tx)
	if err != nil {
		return err
	}
	var ds []delivery.NewDelivery
	for _, w := range hooks {
		if w.Type != TypeCTD || !w.Enabled {
			continue
		}
		body, err := CTDPayload(w.ID, c)
		if err != nil {
			return err
		}
		headers := make([]delivery.Header, len(w.Headers))
		for i, h := range w.Headers {
			headers[i] = delivery.Header{Name: h.Name, Value: h.Value}
		}
		ds = append(ds, delivery.NewDelivery{WebhookID: w.ID, Action: c.Action, ContentType: c.Name, ObjectID: c.ID,
			URL: w.URL, Headers: headers, Secret: w.SigningSecret, TLSCAPEM: w.TLSCAPEM, Body: body})
	}
	if len(ds) == 0 {
		return nil
	}
	_, err = t.queue.EnqueueTx(ctx, tx, ds)
	return err
}
