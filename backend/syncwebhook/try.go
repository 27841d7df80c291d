package syncwebhook

import (
	"context"

	"hookline/backend/content"
	"hookline/backend/errs"
	"hookline/backend/webhook"
)

// TryInput is a dry run of a code webhook: its code against a saved object.
type TryInput struct {
	Code string `json:"code"`
	// TimeoutMs is the webhook's timeout_ms; 0 for the default.
	TimeoutMs   int    `json:"timeout_ms"`
	ContentType string `json:"contentType"`
	ObjectID    string `json:"objectId"`
}

// Objects reads saved objects; content.Service is one.
type Objects interface {
	Get(ctx context.Context, typeName, id string) (content.Object, error)
}

// Try runs code against the saved object, as its pre-update webhook would
// see it (its properties and id, without the internal block), and returns
// what the code decided. Nothing is saved and nothing is logged: no Flotiq
// plan has a dry run, and a try must not leave traces in the webhook's logs.
func (r *Runner) Try(ctx context.Context, objects Objects, in TryInput) (CodeOutcome, error) {
	f := errs.Fields{}
	w := map[string]any{"type": webhook.TypeSync, "executionMode": webhook.ModeCode, "code": in.Code}
	if in.TimeoutMs != 0 {
		w["timeout_ms"] = float64(in.TimeoutMs)
	}
	for k, v := range webhook.Validate(w, nil) {
		if k == "code" || k == "timeout_ms" {
			f[k] = v
		}
	}
	if in.ContentType == "" {
		f.Add("contentType", "Choose the type of the object to try the code on")
	}
	if in.ObjectID == "" {
		f.Add("objectId", "Choose the object to try the code on")
	}
	if err := f.Err(); err != nil {
		return CodeOutcome{}, err
	}
	obj, err := objects.Get(ctx, in.ContentType, in.ObjectID)
	if err != nil {
		return CodeOutcome{}, err
	}
	delete(obj, "internal")
	hook := webhook.Webhook{ExecutionMode: webhook.ModeCode, TimeoutMs: in.TimeoutMs}
	return r.RunCode(ctx, in.Code, hook.Timeout(), obj), nil
}
