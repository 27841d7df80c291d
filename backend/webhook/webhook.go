// Package webhook owns webhook definitions: the internal `_webhooks` content
// type they are stored as, their validation, matching a content change to
// the webhooks it triggers, the payload sent, and Standard Webhooks signing.
//
// It holds no state and does no I/O; storing definitions is the content
// service's job and sending is the delivery package's.
package webhook

import (
	"fmt"
	"slices"
	"time"
)

// TypeName is the internal content type that webhook definitions are stored as.
const TypeName = "_webhooks"

// Webhook types, as Flotiq stores them (spec §5.1).
const (
	// TypeAsync is "Content Object Changes Asynchronous (non-blocking)",
	// the default: queued after the change commits.
	TypeAsync = "async"
	// TypeSync is "Content Object Changes Synchronous (block and wait for
	// response)": run before the change is saved, and its answer decides
	// the save (see backend/syncwebhook).
	TypeSync = "sync"
	// TypeCTD is "Content Type Definition Changes": queued after every
	// type create, update and delete.
	TypeCTD = "ctd"
)

// Execution modes of a sync webhook: POST to its URL, or run its code
// in-process. Async and CTD webhooks are always url.
const (
	ModeURL  = "url"
	ModeCode = "code"
)

// Actions an async webhook can listen for, in the order the UI offers them
// (Flotiq's order). Publish, Unpublish and Archive happen only to objects
// of Draft & Public types.
var Actions = []string{"Create", "Update", "Delete", "Publish", "Unpublish", "Archive", "Custom"}

// SyncActions are the actions a sync webhook can listen for: the changes it
// can block (Flotiq's PRE-CREATE, PRE-UPDATE, PRE-DELETE).
var SyncActions = []string{"Create", "Update", "Delete"}

// Timeout bounds of a sync webhook (timeout_ms), in milliseconds.
const (
	DefaultURLTimeoutMs  = 5000
	DefaultCodeTimeoutMs = 2000
	MinTimeoutMs         = 100
	MaxTimeoutMs         = 30000
)

// MaxCodeSize bounds a code webhook's source, in bytes.
const MaxCodeSize = 64 << 10

// Header is one header the webhook adds to its requests.
type Header struct {
	Name  string `json:"header_name"`
	Value string `json:"header_value"`
}

// Webhook is a parsed `_webhooks` object.
type Webhook struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	ExecutionMode string   `json:"executionMode"`
	URL           string   `json:"url"`
	Enabled       bool     `json:"enabled"`
	Actions       []string `json:"actions"`
	// ContentTypes empty means every content type.
	ContentTypes []string `json:"contentTypes"`
	Headers      []Header `json:"headers"`
	// SigningSecret is Hookline's extension ("whsec_…"); empty means requests
	// go unsigned. It never leaves the process except as a signature, so it
	// has no JSON form here.
	SigningSecret string `json:"-"`
	// TLSCAPEM is Hookline's extension: PEM certificates this webhook's
	// https receiver may present besides those the system trusts.
	TLSCAPEM string `json:"tlsCaPem,omitempty"`
	// Code is a code webhook's JavaScript (executionMode code).
	Code string `json:"code,omitempty"`
	// TimeoutMs is Hookline's extension for sync webhooks; 0 means the
	// mode's default (see Timeout).
	TimeoutMs int `json:"timeoutMs,omitempty"`
}

// FromObject parses a stored `_webhooks` object. It checks shapes only (a
// field of the wrong JSON type is an error); Validate is what enforces the
// rules when a definition is written. Missing type and executionMode take
// Flotiq's defaults, async and url.
func FromObject(obj map[string]any) (Webhook, error) {
	w := Webhook{Type: TypeAsync, ExecutionMode: ModeURL}
	var err error
	str := func(key string, dst *string) {
		v, ok := obj[key]
		if !ok || v == nil || err != nil {
			return
		}
		s, isStr := v.(string)
		if !isStr {
			err = fmt.Errorf("webhook %s: %s is %T, want a string", w.ID, key, v)
			return
		}
		*dst = s
	}
	str("id", &w.ID)
	str("name", &w.Name)
	str("type", &w.Type)
	str("executionMode", &w.ExecutionMode)
	str("url", &w.URL)
	str("signing_secret", &w.SigningSecret)
	str("tls_ca_pem", &w.TLSCAPEM)
	str("code", &w.Code)
	if err != nil {
		return Webhook{}, err
	}
	if w.Type == "" {
		w.Type = TypeAsync
	}
	if w.ExecutionMode == "" {
		w.ExecutionMode = ModeURL
	}
	switch v := obj["timeout_ms"].(type) {
	case nil:
	case float64:
		w.TimeoutMs = int(v)
	case int:
		w.TimeoutMs = v
	case int64:
		w.TimeoutMs = int(v)
	default:
		return Webhook{}, fmt.Errorf("webhook %s: timeout_ms is %T, want a number", w.ID, v)
	}
	switch v := obj["enabled"].(type) {
	case nil:
	case bool:
		w.Enabled = v
	default:
		return Webhook{}, fmt.Errorf("webhook %s: enabled is %T, want a boolean", w.ID, v)
	}
	if w.Actions, err = listField(obj, "actions", "action"); err != nil {
		return Webhook{}, fmt.Errorf("webhook %s: %w", w.ID, err)
	}
	if w.ContentTypes, err = listField(obj, "content_type_definitions", "content_type_definition_name"); err != nil {
		return Webhook{}, fmt.Errorf("webhook %s: %w", w.ID, err)
	}
	hs, err := items(obj, "headers")
	if err != nil {
		return Webhook{}, fmt.Errorf("webhook %s: %w", w.ID, err)
	}
	for i, h := range hs {
		name, ok1 := h["header_name"].(string)
		value, ok2 := h["header_value"].(string)
		if !ok1 || (!ok2 && h["header_value"] != nil) {
			return Webhook{}, fmt.Errorf("webhook %s: headers[%d] needs string header_name and header_value", w.ID, i)
		}
		w.Headers = append(w.Headers, Header{Name: name, Value: value})
	}
	return w, nil
}

// items returns obj[key] as a list of objects; a missing or null key is an
// empty list.
func items(obj map[string]any, key string) ([]map[string]any, error) {
	raw, ok := obj[key]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is %T, want an array", key, raw)
	}
	out := make([]map[string]any, 0, len(list))
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d] is %T, want an object", key, i, it)
		}
		out = append(out, m)
	}
	return out, nil
}

// listField flattens Flotiq's list-of-one-field-objects shape, e.g.
// [{"action":"Create"}] → ["Create"].
func listField(obj map[string]any, key, field string) ([]string, error) {
	its, err := items(obj, key)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, it := range its {
		s, ok := it[field].(string)
		if !ok {
			return nil, fmt.Errorf("%s[%d].%s is %T, want a string", key, i, field, it[field])
		}
		out = append(out, s)
	}
	return out, nil
}

// Timeout is how long a sync webhook's answer is awaited: timeout_ms, or
// the default of its mode.
func (w Webhook) Timeout() time.Duration {
	ms := w.TimeoutMs
	if ms <= 0 {
		ms = DefaultURLTimeoutMs
		if w.ExecutionMode == ModeCode {
			ms = DefaultCodeTimeoutMs
		}
	}
	return time.Duration(min(ms, MaxTimeoutMs)) * time.Millisecond
}

// Matches reports whether a change with this action to an object of this
// content type triggers w: w is enabled, lists the action, and either lists
// no content types (meaning all) or lists this one. Custom deliveries are
// matched the same way, with action "Custom".
//
// CTD webhooks never match an object change (see MatchesTypeChange), and
// sync webhooks are matched here too: the caller picks the type it runs.
func (w Webhook) Matches(action, contentType string) bool {
	if w.Type == TypeCTD || !w.Enabled || !slices.Contains(w.Actions, action) {
		return false
	}
	return len(w.ContentTypes) == 0 || slices.Contains(w.ContentTypes, contentType)
}
