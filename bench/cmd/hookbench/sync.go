package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"hookline/backend/webhook"
)

// partSync is the synchronous webhooks' part: what one sync URL webhook and
// one code webhook add to each save (sequential REST creates, p50 and p99,
// against the same saves with none), and the async end-to-end rate with a
// sync webhook that does not match, against none at all.
func (b *bench) partSync(ctx context.Context) error {
	n := 400
	if b.cfg.quick {
		n = 150
	}
	echo, err := startEcho()
	if err != nil {
		return err
	}
	defer echo.Close()

	in, err := b.open(ctx, "sync-latency")
	if err != nil {
		return err
	}
	defer in.close()
	if err := in.start(ctx); err != nil {
		return err
	}
	saves := func(label string) ([]time.Duration, error) {
		out := make([]time.Duration, 0, n)
		for i := range n {
			t0 := time.Now()
			status, body, err := in.do(ctx, "POST", "/api/v1/content/product", product(i))
			if err != nil {
				return nil, err
			}
			if status != http.StatusOK {
				return nil, fmt.Errorf("%s: create %d %s", label, status, body)
			}
			out = append(out, time.Since(t0))
		}
		return out, nil
	}
	b.progress("sync: %d sequential creates each: none, one sync URL webhook, one code webhook", n)
	base, err := saves("none")
	if err != nil {
		return err
	}
	urlHook, err := in.m.Content.Create(ctx, webhook.TypeName, map[string]any{
		"name": "bench sync", "type": "sync", "executionMode": "url", "url": "http://" + echo.Addr + "/",
		"enabled": true, "actions": []any{map[string]any{"action": "Create"}}, "signing_secret": signingSecret,
	})
	if err != nil {
		return err
	}
	withURL, err := saves("url")
	if err != nil {
		return err
	}
	if _, err := in.m.Content.Patch(ctx, webhook.TypeName, urlHook["id"].(string), map[string]any{"enabled": false}); err != nil {
		return err
	}
	if _, err := in.m.Content.Create(ctx, webhook.TypeName, map[string]any{
		"name": "bench code", "type": "sync", "executionMode": "code", "code": benchCode,
		"enabled": true, "actions": []any{map[string]any{"action": "Create"}},
	}); err != nil {
		return err
	}
	withCode, err := saves("code")
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		ds   []time.Duration
	}{{"one sync URL webhook", withURL}, {"one code webhook", withCode}} {
		for _, p := range []float64{50, 99} {
			added := msf(percentile(c.ds, p)) - msf(percentile(base, p))
			b.add("8 sync webhooks", fmt.Sprintf("added per save, %s, p%.0f", c.name, p), added, "ms", nil)
		}
	}
	b.add("8 sync webhooks", "save without sync webhooks, p50", msf(percentile(base, 50)), "ms", nil)
	b.details["sync_latency"] = map[string]any{"saves": n,
		"p50ms": map[string]float64{"none": msf(percentile(base, 50)), "url": msf(percentile(withURL, 50)), "code": msf(percentile(withCode, 50))},
		"p99ms": map[string]float64{"none": msf(percentile(base, 99)), "url": msf(percentile(withURL, 99)), "code": msf(percentile(withCode, 99))}}

	// Async throughput: a sync webhook on another type must not slow the
	// saves or deliveries of this one.
	rates := map[string]float64{}
	for _, variant := range []string{"none", "non-matching sync"} {
		rate, err := b.asyncRate(ctx, variant, echo.Addr)
		if err != nil {
			return err
		}
		rates[variant] = rate
		b.add("8 sync webhooks", "async end-to-end, "+variant+" (changes/s)", rate, "changes/s", nil)
	}
	b.add("8 sync webhooks", "async rate, non-matching sync ÷ none", rates["non-matching sync"]/rates["none"], "", nil)
	b.details["sync_async_rates"] = rates
	return nil
}

// asyncRate is the end-to-end rate (first create → last delivery done) of
// creates via REST with one async webhook, plus a sync webhook on another
// type when variant says so.
func (b *bench) asyncRate(ctx context.Context, variant, echoAddr string) (float64, error) {
	n := b.cfg.e2eN / 4
	in, err := b.open(ctx, fmt.Sprintf("sync-async-%d", len(variant)))
	if err != nil {
		return 0, err
	}
	defer in.close()
	if _, err := in.addWebhooks(ctx, 1, b.recv.url); err != nil {
		return 0, err
	}
	if variant != "none" {
		def := map[string]any{}
		if err := json.Unmarshal([]byte(productType), &def); err != nil {
			return 0, err
		}
		def["name"], def["label"] = "other", "Other"
		if _, err := in.m.Content.CreateType(ctx, def); err != nil {
			return 0, err
		}
		if _, err := in.m.Content.Create(ctx, webhook.TypeName, map[string]any{
			"name": "other sync", "type": "sync", "url": "http://" + echoAddr + "/", "enabled": true,
			"actions":                  []any{map[string]any{"action": "Create"}},
			"content_type_definitions": []any{map[string]any{"content_type_definition_name": "other"}},
		}); err != nil {
			return 0, err
		}
	}
	if err := in.start(ctx); err != nil {
		return 0, err
	}
	if err := b.recv.reset(); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := concurrently(ctx, n, b.cfg.clients, func(i int) error { return in.restCreate(ctx, i) }); err != nil {
		return 0, err
	}
	doneAt, _, err := b.waitDelivered(ctx, in, n, 5*time.Minute)
	if err != nil {
		return 0, err
	}
	return float64(n) / doneAt.Sub(start).Seconds(), nil
}

// benchCode is a small code webhook that changes the object, as the
// templates do, on the bench's product type.
const benchCode = `const _webhook = ctx => {
  const payload = ctx.payload;
  payload.name = String(payload.name).trim().replace(/\s+/g, ' ');
  return { payload };
};`

// startEcho is a loopback sync receiver that accepts every object
// unchanged, as a Flotiq receiver answers.
func startEcho() (*http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &req)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"type": "response", "subject": req["subject"], "event": req["event"],
			"sequenceNumber": req["sequenceNumber"], "response": map[string]any{}, "payload": req["payload"]})
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	srv.Addr = ln.Addr().String()
	return srv, nil
}
