// Package syncwebhook runs Flotiq's synchronous content-object webhooks
// (type "sync"): before an object is created, updated or deleted, each
// matching webhook gets the object and its answer decides the save. In url
// mode the object is POSTed to the webhook's URL; in code mode the webhook's
// JavaScript runs in-process, in a sandbox (see code.go).
//
// The Runner is the content service's PreSave. It runs outside the write
// transaction: the content service checks afterwards, inside it, that the
// object did not change meanwhile (409 otherwise). Every execution is
// recorded as a finished execution log (delivery.RecordFinished), so it shows
// in the webhook's logs beside the queued ones.
package syncwebhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/errs"
	"hookline/backend/webhook"
)

// Events of the request, per action (Flotiq's PRE-CREATE, PRE-UPDATE,
// PRE-DELETE).
var events = map[string]string{
	content.ActionCreate: "pre-create",
	content.ActionUpdate: "pre-update",
	content.ActionDelete: "pre-delete",
}

// Options configures New. Zero fields get defaults.
type Options struct {
	// Definitions returns every webhook definition (sync or not); required.
	// webhook.Trigger.Definitions serves it from its cache.
	Definitions func(ctx context.Context) ([]webhook.Webhook, error)
	// Logs records each execution; nil records nothing (tests of the
	// sandbox alone).
	Logs *delivery.Service
	// UserAgent is sent with every request. Default "Hookline".
	UserAgent string
	// Transport is the HTTP transport for url webhooks. Default: a clone
	// of http.DefaultTransport.
	Transport http.RoundTripper
	// Code bounds the sandbox of code webhooks.
	Code CodeLimits
	// Logger receives failures to record a log. Default discard.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Runner runs the synchronous webhooks of a change.
type Runner struct {
	opts Options
}

// New returns a Runner.
func New(opts Options) *Runner {
	if opts.UserAgent == "" {
		opts.UserAgent = "Hookline"
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Code.defaults()
	return &Runner{opts: opts}
}

// matching returns the enabled sync webhooks for action on contentType, in
// the order they run: by name, then id. Flotiq documents no order; a stable
// one makes chains reproducible.
func (r *Runner) matching(ctx context.Context, action, contentType string) ([]webhook.Webhook, error) {
	all, err := r.opts.Definitions(ctx)
	if err != nil {
		return nil, err
	}
	var out []webhook.Webhook
	for _, w := range all {
		if w.Type == webhook.TypeSync && w.Matches(action, contentType) {
			out = append(out, w)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Wants implements content.PreSave.
func (r *Runner) Wants(ctx context.Context, action, contentType string) (bool, error) {
	if _, ok := events[action]; !ok {
		return false, nil
	}
	all, err := r.opts.Definitions(ctx)
	if err != nil {
		return false, err
	}
	for _, w := range all {
		if w.Type == webhook.TypeSync && w.Matches(action, contentType) {
			return true, nil
		}
	}
	return false, nil
}

// Before implements content.PreSave: it runs the matching webhooks one after
// another, each getting the previous one's output, and returns the last
// output. The first rejection or failure stops the chain and refuses the
// save.
func (r *Runner) Before(ctx context.Context, p content.Pending) (map[string]any, error) {
	hooks, err := r.matching(ctx, p.Action, p.ContentType)
	if err != nil {
		return nil, err
	}
	obj := p.Object
	var logs []delivery.FinishedLog
	defer func() { r.record(ctx, logs) }()
	for seq, w := range hooks {
		req := Request{Type: "request", Subject: "content-object", Event: events[p.Action], SequenceNumber: seq,
			ContentTypeName: p.ContentType, UserInfo: localUser, Payload: obj}
		res := r.execute(ctx, w, req)
		res.log.Action, res.log.ContentType, res.log.ObjectID = p.Action, p.ContentType, p.ObjectID
		logs = append(logs, res.log)
		switch res.log.Verdict {
		case delivery.VerdictRejected:
			return nil, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("The %s webhook refused the save", w.Name), Fields: res.errors}
		case delivery.VerdictFailed:
			return nil, webhookError(w.Name, res.log.Error)
		case delivery.VerdictModified:
			if p.Action != content.ActionDelete {
				obj = res.payload
			}
		}
	}
	return obj, nil
}

// webhookError is Flotiq's answer when a sync webhook gave no usable answer.
func webhookError(name, detail string) error {
	msg := fmt.Sprintf("Error processing %s webhook: %s", name, detail)
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string][]string{"__webhook": {msg}}}
}

// result is one webhook's execution: its log, and what it decided.
type result struct {
	log delivery.FinishedLog
	// payload replaces the object when the verdict is modified.
	payload map[string]any
	// errors are the field messages of a rejection.
	errors map[string][]string
}

func (r *Runner) execute(ctx context.Context, w webhook.Webhook, req Request) result {
	if w.ExecutionMode == webhook.ModeCode {
		return r.runCode(ctx, w, req)
	}
	return r.post(ctx, w, req)
}

// record stores the logs of one chain. A save must not fail because its
// log could not be written, so a failure is only logged.
func (r *Runner) record(ctx context.Context, logs []delivery.FinishedLog) {
	if r.opts.Logs == nil || len(logs) == 0 {
		return
	}
	if _, err := r.opts.Logs.RecordFinished(context.WithoutCancel(ctx), logs); err != nil {
		r.opts.Logger.Error("syncwebhook: record executions", "err", err)
	}
}

// verdictOf compares a returned payload with the one sent.
func verdictOf(sent, got map[string]any) string {
	a, errA := json.Marshal(sent)
	b, errB := json.Marshal(got)
	if errA == nil && errB == nil && string(a) == string(b) {
		return delivery.VerdictAccepted
	}
	return delivery.VerdictModified
}
