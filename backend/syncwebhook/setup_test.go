package syncwebhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"hookline/backend/app"
	"hookline/backend/delivery"

	"hookline/backend/store/pgtest"
)

// bundle is a whole Hookline (app.Open + Start on a temporary data folder,
// the REST API on a loopback port) plus a REST client for it.
type bundle struct {
	t   testing.TB
	m   *app.Main
	url string
	key string
}

const testKey = "test-key-0123456789abcdef"

func setup(t testing.TB) *bundle {
	t.Helper()
	b := setupEmpty(t)
	b.must(200, "POST", "/api/v1/internal/contenttype", productType)
	return b
}

// setupEmpty is setup without the product type.
func setupEmpty(t testing.TB) *bundle {
	t.Helper()
	m, err := app.Open(context.Background(), app.Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", APIKey: testKey, DatabaseURL: pgtest.DatabaseURL(t)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &bundle{t: t, m: m, url: m.URL(), key: testKey}
}

// productType has a required title, an optional counter and a slug.
var productType = map[string]any{
	"name": "product", "label": "Product",
	"schemaDefinition": map[string]any{
		"type": "object",
		"allOf": []any{
			map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
			map[string]any{"type": "object", "properties": map[string]any{
				"title":        map[string]any{"type": "string", "minLength": 1},
				"slug":         map[string]any{"type": "string"},
				"edit_counter": map[string]any{"type": "number"},
				"minPrice":     map[string]any{"type": "number"},
				"maxPrice":     map[string]any{"type": "number"},
			}},
		},
		"required": []any{"title"}, "additionalProperties": false,
	},
	"metaDefinition": map[string]any{
		"order": []any{"title", "slug", "edit_counter", "minPrice", "maxPrice"},
		"propertiesConfig": map[string]any{
			"title":        map[string]any{"label": "Title", "inputType": "text", "unique": false, "isTitlePart": true},
			"slug":         map[string]any{"label": "Slug", "inputType": "text", "unique": false},
			"edit_counter": map[string]any{"label": "Edits", "inputType": "number", "unique": false},
			"minPrice":     map[string]any{"label": "Min", "inputType": "number", "unique": false},
			"maxPrice":     map[string]any{"label": "Max", "inputType": "number", "unique": false},
		},
	},
}

// do sends a REST request and decodes the JSON answer (nil for none).
func (b *bundle) do(method, path string, body any) (int, any) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			b.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("X-AUTH-TOKEN", b.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			b.t.Fatalf("%s %s: %d %q is not JSON", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, out
}

// must is do, failing the test unless the status is want; it returns the
// answer as an object.
func (b *bundle) must(want int, method, path string, body any) map[string]any {
	b.t.Helper()
	status, out := b.do(method, path, body)
	if status != want {
		b.t.Fatalf("%s %s = %d %v, want %d", method, path, status, out, want)
	}
	m, _ := out.(map[string]any)
	return m
}

// hook creates a webhook from fields and returns its id.
func (b *bundle) hook(fields map[string]any) string {
	b.t.Helper()
	def := map[string]any{"enabled": true, "type": "sync", "actions": actions("Create", "Update", "Delete"),
		"content_type_definitions": []any{map[string]any{"content_type_definition_name": "product"}}}
	for k, v := range fields {
		def[k] = v
	}
	return b.must(200, "POST", "/api/v1/content/_webhooks", def)["id"].(string)
}

func actions(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"action": n}
	}
	return out
}

// logs returns a webhook's execution logs, newest first.
func (b *bundle) logs(webhookID string) []delivery.LogSummary {
	b.t.Helper()
	page, err := b.m.Delivery.ListLogs(context.Background(), webhookID, delivery.LogQuery{Limit: 100})
	if err != nil {
		b.t.Fatal(err)
	}
	return page.Items
}

// received is one request a receiver got.
type received struct {
	Header http.Header
	Body   map[string]any
	Raw    []byte
}

// receiver is a loopback sync receiver whose answer is given by answer.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	open func(r received) (int, any)
}

func newReceiver(t testing.TB, answer func(r received) (int, any)) *receiver {
	rc := &receiver{open: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		in := received{Header: r.Header.Clone(), Raw: raw}
		json.Unmarshal(raw, &in.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, in)
		rc.mu.Unlock()
		status, body := rc.open(in)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		switch v := body.(type) {
		case nil:
		case string:
			io.WriteString(w, v)
		default:
			json.NewEncoder(w).Encode(v)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// echo answers a sync request as Flotiq's receivers must, with payload.
func echo(in received, payload map[string]any) map[string]any {
	return map[string]any{"type": "response", "subject": in.Body["subject"], "event": in.Body["event"],
		"sequenceNumber": in.Body["sequenceNumber"], "response": map[string]any{}, "payload": payload}
}

// payloadOf returns a fresh copy of the request's payload, so a handler
// may change it without changing what the test later inspects.
func payloadOf(in received) map[string]any {
	var body struct {
		Payload map[string]any `json:"payload"`
	}
	json.Unmarshal(in.Raw, &body)
	return body.Payload
}
