package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"hookline/backend/app"
	"hookline/backend/content"
	"hookline/backend/webhook"
)

// apiKey is the read-write key every instance is opened with.
const apiKey = "hookbench-key-0123456789abcdef0123456789"

// signingSecret is the Standard Webhooks test secret: every bench webhook
// signs, as a careful user's would, so signing is part of what is measured.
const signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// productType is the seed's product: its payloads have the seed's size.
const productType = `{"name":"product","label":"Product",
 "schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},
   {"type":"object","properties":{"name":{"type":"string","minLength":1},"price":{"type":"number"}}}],
   "required":["name"],"additionalProperties":false},
 "metaDefinition":{"propertiesConfig":{
   "name":{"label":"Name","inputType":"text","unique":false,"isTitlePart":true},
   "price":{"label":"Price","inputType":"number","unique":false}},
   "order":["name","price"]}}`

// instance is one Hookline, wired exactly as `hookline serve` wires it, on
// its own data folder.
type instance struct {
	m      *app.Main
	api    string
	client *http.Client
}

func (b *bench) open(ctx context.Context, name string) (*instance, error) {
	cfg := app.Config{
		Mode:    "serve",
		DataDir: filepath.Join(b.root, name),
		Addr:    "127.0.0.1:0",
		APIKey:  apiKey,
		Workers: b.cfg.workers,
		Timeout: 10 * time.Second,
	}
	m, err := app.Open(ctx, cfg, nil, b.log)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	in := &instance{m: m, client: &http.Client{Transport: t, Timeout: 60 * time.Second}}
	var def map[string]any
	if err := json.Unmarshal([]byte(productType), &def); err != nil {
		in.close()
		return nil, err
	}
	if _, err := m.Content.CreateType(ctx, def); err != nil {
		in.close()
		return nil, fmt.Errorf("create product type: %w", err)
	}
	return in, nil
}

// openStarted is open, then one webhook to the receiver, the server and
// pool started, and the receiver's record cleared: a part ready to time.
func (b *bench) openStarted(ctx context.Context, name string) (*instance, error) {
	in, err := b.open(ctx, name)
	if err != nil {
		return nil, err
	}
	_, err = in.addWebhooks(ctx, 1, b.recv.url)
	if err == nil {
		err = in.start(ctx)
	}
	if err == nil {
		err = b.recv.reset()
	}
	if err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

// start starts the HTTP server and the delivery pool (app.Main.Start).
func (in *instance) start(ctx context.Context) error {
	if err := in.m.Start(ctx); err != nil {
		return err
	}
	in.api = in.m.URL()
	return nil
}

func (in *instance) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in.m.Close(ctx)
	in.client.CloseIdleConnections()
}

// addWebhooks creates n webhooks for Create on product, each with its own
// path on the receiver, a custom header and a signing secret. It returns
// their ids.
func (in *instance) addWebhooks(ctx context.Context, n int, recvURL string) ([]string, error) {
	ids := make([]string, 0, n)
	for i := range n {
		obj, err := in.m.Content.Create(ctx, webhook.TypeName, map[string]any{
			"name":    fmt.Sprintf("bench %d", i),
			"url":     fmt.Sprintf("%s/hook/%d", recvURL, i),
			"enabled": true,
			"type":    "async",
			"actions": []any{map[string]any{"action": "Create"}},
			"content_type_definitions": []any{
				map[string]any{"content_type_definition_name": "product"},
			},
			"headers":        []any{map[string]any{"header_name": "AUTH", "header_value": "secret_token"}},
			"signing_secret": signingSecret,
		})
		if err != nil {
			return nil, fmt.Errorf("create webhook: %w", err)
		}
		ids = append(ids, obj["id"].(string))
	}
	return ids, nil
}

// product is the body of the i-th created product, shaped like the seed's.
func product(i int) map[string]any {
	return map[string]any{"name": fmt.Sprintf("Premium pack %d", i), "price": 500 + i%100}
}

// seedBacklog creates objects through the content service (with the pool
// stopped) until hooks×objects deliveries are queued: the backlog is made
// by the real trigger path, payloads and all.
func (in *instance) seedBacklog(ctx context.Context, deliveries, hooks int) error {
	objects := (deliveries + hooks - 1) / hooks
	items := make([]map[string]any, 0, content.MaxBatch)
	for i := 0; i < objects; i += content.MaxBatch {
		items = items[:0]
		for k := i; k < min(objects, i+content.MaxBatch); k++ {
			items = append(items, product(k))
		}
		if _, err := in.m.Content.BatchCreate(ctx, "product", items, false); err != nil {
			return fmt.Errorf("seed backlog: %w", err)
		}
	}
	return nil
}

// pending reports whether any delivery is still pending.
func (in *instance) pending(ctx context.Context) (bool, error) {
	var n int
	err := in.m.DB.R.WithContext(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT 1) AS p`).Scan(&n).Error
	return n == 1, err
}

func (in *instance) count(ctx context.Context, where string) (int, error) {
	var n int
	err := in.m.DB.R.WithContext(ctx).Raw(`SELECT COUNT(*) FROM deliveries WHERE ` + where).Scan(&n).Error
	return n, err
}

// do sends one REST request and returns its status and body.
func (in *instance) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, in.api+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-AUTH-TOKEN", apiKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := in.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// waitDelivered waits until the receiver has seen want requests since its
// last reset and no delivery is pending any more (the outcomes are
// written), and returns when that was observed and the receiver's last
// arrival. It gives up after limit.
func (b *bench) waitDelivered(ctx context.Context, in *instance, want int, limit time.Duration) (time.Time, time.Time, error) {
	deadline := time.Now().Add(limit)
	var c recvCount
	for {
		var err error
		if c, err = b.recv.count(); err != nil {
			return time.Time{}, time.Time{}, err
		}
		if c.Count >= want {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("receiver has %d of %d requests after %s", c.Count, want, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for {
		p, err := in.pending(ctx)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if !p {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("deliveries still pending after %s", limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
	done := time.Now()
	if c, err := b.recv.count(); err == nil {
		return done, time.Unix(0, c.LastNs), nil
	}
	return done, time.Unix(0, c.LastNs), nil
}
