package syncwebhook_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/syncwebhook"
)

func template(t *testing.T, name string) string {
	for _, tp := range syncwebhook.Templates() {
		if strings.HasPrefix(tp.Name, name) {
			return tp.Code
		}
	}
	t.Fatalf("no template %q", name)
	return ""
}

// The spec's three examples, as code webhooks on real saves.
func TestCodeWebhookTemplates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	counter := b.hook(map[string]any{"name": "Counter", "executionMode": "code", "code": template(t, "Edit counter"), "actions": actions("Update")})
	b.hook(map[string]any{"name": "Slug", "executionMode": "code", "code": template(t, "Slugify"), "actions": actions("Create")})
	b.hook(map[string]any{"name": "Prices", "executionMode": "code", "code": template(t, "Validate"), "actions": actions("Update")})

	obj := b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "Crème Brûlée & Co!"})
	if obj["slug"] != "creme-brulee-co" {
		t.Errorf("slug %v", obj["slug"])
	}
	b.must(200, "PATCH", "/api/v1/content/product/p1", map[string]any{"minPrice": 1})
	obj = b.must(200, "PATCH", "/api/v1/content/product/p1", map[string]any{"maxPrice": 5})
	if obj["edit_counter"] != 2.0 {
		t.Errorf("edit_counter %v after two updates", obj["edit_counter"])
	}
	status, out := b.do("PATCH", "/api/v1/content/product/p1", map[string]any{"maxPrice": 0})
	want := map[string]any{"maxPrice": []any{"Max price must be greater than or equal to min price"}}
	if status != 400 || !reflect.DeepEqual(out, want) {
		t.Errorf("invalid prices: %d %v", status, out)
	}
	if got := b.must(200, "GET", "/api/v1/content/product/p1", nil); got["maxPrice"] != 5.0 || got["edit_counter"] != 2.0 {
		t.Errorf("stored %v", got)
	}
	logs := b.logs(counter)
	if len(logs) != 3 || logs[0].Verdict != delivery.VerdictModified || logs[0].ResponseCode != 200 {
		t.Errorf("counter logs %+v", logs)
	}
}

// Scripts that fail refuse the save with a __webhook message naming the line.
func TestCodeWebhookFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.hook(map[string]any{"name": "Broken", "executionMode": "code", "timeout_ms": 300,
		"code": "function _webhook(ctx) {\n  if (ctx.payload.title === 'loop') { while (true) {} }\n  throw new Error('no ' + ctx.payload.title);\n}\n"})
	status, out := b.do("POST", "/api/v1/content/product", map[string]any{"title": "thanks"})
	want := map[string]any{"__webhook": []any{"Error processing Broken webhook: the code threw Error: no thanks (line 3, column 9)"}}
	if status != 400 || !reflect.DeepEqual(out, want) {
		t.Errorf("throw: %d %v, want %v", status, out, want)
	}
	began := time.Now()
	status, out = b.do("POST", "/api/v1/content/product", map[string]any{"title": "loop"})
	m, _ := out.(map[string]any)
	msgs, _ := m["__webhook"].([]any)
	if status != 400 || len(msgs) != 1 || !strings.HasPrefix(msgs[0].(string), "Error processing Broken webhook: the code ran longer than 300ms and was stopped (line 2") {
		t.Errorf("loop: %d %v", status, out)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("the loop was stopped after %s", d)
	}
	if page := b.must(200, "GET", "/api/v1/content/product", nil); page["total_count"] != 0.0 {
		t.Errorf("saved anyway: %v", page)
	}
	if l := b.logs(id); len(l) != 2 || l[0].Verdict != delivery.VerdictFailed || !strings.Contains(l[0].Error, "ran longer") {
		t.Errorf("logs %+v", l)
	}
}

// The sandbox: no require, no timers, no network or file system; wrong
// shapes, async functions, a missing entry point, syntax errors, deep
// recursion and huge allocations are refused with clear messages; nothing
// leaks from one run into the next.
func TestCodeSandbox(t *testing.T) {
	t.Parallel()
	r := syncwebhook.New(syncwebhook.Options{Definitions: nil, Code: syncwebhook.CodeLimits{MaxHeapGrowth: 32 << 20}})
	obj := map[string]any{"id": "p1", "title": "T"}
	cases := []struct{ name, code, want string }{
		{"require", "function _webhook(ctx) {\n  const fs = require('fs');\n  return {payload: ctx.payload};\n}", "the code threw ReferenceError: require is not defined (line 2, column 21)"},
		{"timers", "function _webhook(ctx) { setTimeout(() => {}, 1); return {payload: ctx.payload}; }", "the code threw ReferenceError: setTimeout is not defined (line 1, column 36)"},
		{"fetch", "function _webhook(ctx) { fetch('http://127.0.0.1/'); return {payload: ctx.payload}; }", "the code threw ReferenceError: fetch is not defined"},
		{"process", "function _webhook(ctx) { return {payload: {env: process.env}}; }", "the code threw ReferenceError: process is not defined"},
		{"no entry", "function webhook(ctx) { return {payload: ctx.payload}; }", "the code defines no _webhook function"},
		{"wrong shape", "const _webhook = ctx => ({data: ctx.payload});", "_webhook must return { payload: {…} } or { errors:"},
		{"returns nothing", "function _webhook(ctx) {}", "_webhook must return { payload: {…} } or { errors:"},
		{"payload not object", "const _webhook = ctx => ({payload: 'x'});", "_webhook returned a payload that is not an object"},
		{"async", "async function _webhook(ctx) { return {payload: ctx.payload}; }", "_webhook must be synchronous; it returned a Promise"},
		{"syntax", "function _webhook(ctx) {\n  return {payload: ctx.payload\n}", "the code does not compile: SyntaxError: webhook.js: Line 3:2 Unexpected end of input"},
		{"recursion", "function f(n) { return f(n + 1); }\nfunction _webhook(ctx) { return f(0); }", "the code recursed too deeply (line 1"},
		{"huge string", "function _webhook(ctx) { return {payload: {s: 'x'.repeat(1 << 30)}}; }", "the code threw RangeError: repeat: result longer than"},
		{"memory", "function _webhook(ctx) {\n  const keep = [];\n  for (;;) keep.push(new Array(100000).fill(ctx.payload.title + keep.length));\n}", "the code used more than 32 MiB of memory and was stopped (line 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// A generous limit: the memory case must be stopped by the heap
			// bound, not the clock, even on a loaded machine under -race.
			out := r.RunCode(context.Background(), c.code, 20*time.Second, obj)
			if out.Verdict != delivery.VerdictFailed || !strings.Contains(out.Error, c.want) {
				t.Errorf("%+v, want failed with %q", out, c.want)
			}
		})
	}
	// A fresh runtime per call: a global set by one run is gone in the next.
	leak := "let seen = globalThis.counter || 0; globalThis.counter = seen + 1;\nfunction _webhook(ctx) { ctx.payload.seen = seen; return {payload: ctx.payload}; }"
	for i := 0; i < 2; i++ {
		out := r.RunCode(context.Background(), leak, time.Second, map[string]any{"title": "x"})
		if out.Verdict != delivery.VerdictModified || out.Payload["seen"] != 0.0 {
			t.Errorf("run %d: %+v", i, out)
		}
	}
	// The input is the caller's copy: a script cannot change it.
	r.RunCode(context.Background(), "function _webhook(ctx) { ctx.payload.title = 'changed'; return {payload: ctx.payload}; }", time.Second, obj)
	if obj["title"] != "T" {
		t.Errorf("input changed: %v", obj)
	}
	// Unchanged means accepted.
	if out := r.RunCode(context.Background(), "const _webhook = ctx => ({payload: ctx.payload});", time.Second, obj); out.Verdict != delivery.VerdictAccepted {
		t.Errorf("echo: %+v", out)
	}
}

// Try it runs code against a saved object over the API and saves and logs
// nothing; bad input is a 400 naming the field.
func TestTryIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "Hello World", "edit_counter": 4})
	out := b.must(200, "POST", "/api/v1/webhooks/code/try", map[string]any{"code": template(t, "Edit counter"), "contentType": "product", "objectId": "p1"})
	p, _ := out["payload"].(map[string]any)
	if out["verdict"] != "modified" || p["edit_counter"] != 5.0 || p["internal"] != nil {
		t.Errorf("try = %v", out)
	}
	if got := b.must(200, "GET", "/api/v1/content/product/p1", nil); got["edit_counter"] != 4.0 {
		t.Errorf("try saved: %v", got)
	}
	out = b.must(200, "POST", "/api/v1/webhooks/code/try", map[string]any{"code": "function _webhook(ctx) {\n  return ctx.nope.x;\n}", "contentType": "product", "objectId": "p1"})
	if out["verdict"] != "failed" || !strings.Contains(out["error"].(string), "(line 2") {
		t.Errorf("failing try = %v", out)
	}
	status, res := b.do("POST", "/api/v1/webhooks/code/try", map[string]any{"code": "", "contentType": "product"})
	m, _ := res.(map[string]any)
	if status != 400 || m["code"] == nil || m["objectId"] == nil {
		t.Errorf("bad try = %d %v", status, res)
	}
	if status, _ := b.do("POST", "/api/v1/webhooks/code/try", map[string]any{"code": "x", "contentType": "product", "objectId": "nope"}); status != 404 {
		t.Errorf("unknown object: %d", status)
	}
	if status, tpl := b.do("GET", "/api/v1/webhooks/code/templates", nil); status != 200 || len(tpl.([]any)) != 3 {
		t.Errorf("templates = %d %v", status, tpl)
	}
}
