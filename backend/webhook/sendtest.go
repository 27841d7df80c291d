package webhook

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/errs"
)

// TestRequest asks for a test delivery of a saved object.
type TestRequest struct {
	ContentType string `json:"contentType"`
	ObjectID    string `json:"objectId"`
	// Action is the payload's action: Create, Update or Delete.
	Action string `json:"action"`
}

// SendTest queues one delivery of a saved object to one webhook, as if the
// chosen action had happened, without changing anything. It is marked as a
// test in the log and carries `webhook-test: 1`, so receivers can tell. It
// goes out whether or not the webhook is enabled or listens to that action
// and type: a test is asked for by a person, for this webhook. Custom is not
// offered: that action belongs to the editor's button.
func (t *Trigger) SendTest(ctx context.Context, webhookID string, in TestRequest) (delivery.LogSummary, error) {
	f := errs.Fields{}
	switch in.Action {
	case content.ActionCreate, content.ActionUpdate, content.ActionDelete:
	default:
		f.Add("action", "Must be one of Create, Update, Delete")
	}
	if in.ContentType == "" || strings.HasPrefix(in.ContentType, "_") {
		f.Add("contentType", "Choose a content type")
	}
	if in.ObjectID == "" {
		f.Add("objectId", "Choose an object")
	}
	if err := f.Err(); err != nil {
		return delivery.LogSummary{}, err
	}
	obj, err := t.content.Get(ctx, in.ContentType, in.ObjectID)
	if err != nil {
		return delivery.LogSummary{}, err
	}
	version, err := latestVersion(obj)
	if err != nil {
		return delivery.LogSummary{}, err
	}
	id, _ := obj["id"].(string)
	change := content.Change{Action: in.Action, ContentType: in.ContentType, ObjectID: id, Version: version, Object: obj}
	var logID, hookID string
	err = t.db.InTx(ctx, func(tx *gorm.DB) error {
		// Once running, the shared transaction must not be cut by the end
		// of the request (see store.DB.InTx).
		ctx := context.WithoutCancel(ctx)
		w, err := t.webhookTx(ctx, tx, webhookID)
		if err != nil {
			return err
		}
		d, err := newDelivery(w, change)
		if err != nil {
			return err
		}
		hookID = w.ID
		logID, err = t.queue.EnqueueTestTx(ctx, tx, d)
		return err
	})
	if err != nil {
		return delivery.LogSummary{}, err
	}
	t.queue.Notify()
	d, err := t.queue.GetLog(ctx, hookID, logID)
	return d.LogSummary, err
}
