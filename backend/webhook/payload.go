package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"hookline/backend/content"
)

// payload is the body of an async content webhook. Field order is the
// seed's: webhookId, action, contentTypeName, ref, payload.
type payload struct {
	WebhookID       string `json:"webhookId"`
	Action          string `json:"action"`
	ContentTypeName string `json:"contentTypeName"`
	Ref             string `json:"ref"`
	Payload         any    `json:"payload"`
}

// Payload builds the JSON body sent for change c to webhook webhookID,
// exactly in the seed's shape. Delete sends {"id": …} alone; every other
// action sends the object as of c.Version, internal block included. The bytes
// are the snapshot that is queued, so later edits never change what is sent.
func Payload(webhookID string, c content.Change) ([]byte, error) {
	if c.ContentType == "" || c.ObjectID == "" || c.Version <= 0 {
		return nil, fmt.Errorf("webhook payload: change needs a content type, an object id and a version (got %q, %q, %d)",
			c.ContentType, c.ObjectID, c.Version)
	}
	p := payload{
		WebhookID:       webhookID,
		Action:          c.Action,
		ContentTypeName: c.ContentType,
		// Ids may hold characters such as '?', '#' or spaces; escaping
		// keeps ref a usable path, and leaves ordinary ids unchanged.
		Ref: "/api/v1/content/" + url.PathEscape(c.ContentType) + "/" + url.PathEscape(c.ObjectID) +
			"/version/" + strconv.Itoa(c.Version),
	}
	if c.Action == content.ActionDelete {
		p.Payload = map[string]string{"id": c.ObjectID}
	} else {
		if c.Object == nil {
			return nil, fmt.Errorf("webhook payload: %s of %s/%s has no object", c.Action, c.ContentType, c.ObjectID)
		}
		p.Payload = c.Object
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Rich text is HTML; sending "<p>" rather than "\u003cp\u003e" keeps the
	// body as readable in logs as the object it came from.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("webhook payload: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
