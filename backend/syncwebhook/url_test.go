package syncwebhook_test

import (
	"context"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/webhook"
)

// A 200 with a changed payload replaces the object; the request has
// Flotiq's shape, the webhook's headers and a valid signature; the
// execution is logged as modified with its request and response.
func TestMutatingReceiverReplacesTheObject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rc := newReceiver(t, func(in received) (int, any) {
		p := payloadOf(in)
		p["title"] = strings.ToUpper(p["title"].(string))
		return 200, echo(in, p)
	})
	secret := webhook.GenerateSecret()
	id := b.hook(map[string]any{"name": "Upper", "url": rc.URL, "signing_secret": secret,
		"headers": []any{map[string]any{"header_name": "AUTH", "header_value": "tok"}}})

	obj := b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "quiet"})
	if obj["title"] != "QUIET" {
		t.Fatalf("saved %v, want the receiver's title", obj)
	}
	got := b.must(200, "GET", "/api/v1/content/product/p1", nil)
	if got["title"] != "QUIET" {
		t.Fatalf("stored %v", got)
	}

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	in := reqs[0]
	for k, want := range map[string]any{"type": "request", "subject": "content-object", "event": "pre-create",
		"sequenceNumber": 0.0, "contentTypeName": "product"} {
		if in.Body[k] != want {
			t.Errorf("%s = %v, want %v", k, in.Body[k], want)
		}
	}
	if ui, _ := in.Body["userInfo"].(map[string]any); ui == nil || ui["id"] == nil {
		t.Errorf("userInfo = %v", in.Body["userInfo"])
	}
	if !reflect.DeepEqual(payloadOf(in), map[string]any{"id": "p1", "title": "quiet"}) {
		t.Errorf("payload = %v", payloadOf(in))
	}
	if in.Header.Get("Auth") != "tok" || in.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", in.Header)
	}
	ts, _ := strconv.ParseInt(in.Header.Get("Webhook-Timestamp"), 10, 64)
	if err := webhook.Verify(secret, in.Header.Get("Webhook-Id"), ts, in.Raw, in.Header.Get("Webhook-Signature")); err != nil {
		t.Errorf("signature: %v", err)
	}

	logs := b.logs(id)
	if len(logs) != 1 || logs[0].Verdict != delivery.VerdictModified || logs[0].Status != delivery.StatusDone ||
		logs[0].ResponseCode != 200 || logs[0].Action != "Create" || logs[0].ObjectID != "p1" {
		t.Fatalf("logs %+v", logs)
	}
	d, err := b.m.Delivery.GetLog(context.Background(), id, logs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Request.URL != rc.URL || d.Request.Body != string(in.Raw) || d.Response == nil || !strings.Contains(d.Response.Body, "QUIET") ||
		d.MessageID != in.Header.Get("Webhook-Id") {
		t.Errorf("log detail %+v", d)
	}
	if strings.Contains(d.Request.Body+d.Response.Body, secret) {
		t.Error("the secret is in the log")
	}
	var sawSig bool
	for _, h := range d.Request.Headers {
		sawSig = sawSig || (h.Name == "Webhook-Signature" && h.Value == in.Header.Get("Webhook-Signature"))
	}
	if !sawSig {
		t.Errorf("logged headers %v lack the signature sent", d.Request.Headers)
	}
	// Its answer decided a save that is over: it cannot be redelivered.
	if _, err := b.m.Delivery.Redeliver(context.Background(), id, logs[0].ID); err == nil {
		t.Error("a sync log was redelivered")
	}
}

// A 200 that echoes the object unchanged is accepted; a payload that breaks
// the type is refused with the field errors.
func TestAcceptedAndInvalidReplacement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rc := newReceiver(t, func(in received) (int, any) {
		p := payloadOf(in)
		if p["title"] == "break" {
			p["title"] = 42
		}
		return 200, echo(in, p)
	})
	id := b.hook(map[string]any{"name": "Echo", "url": rc.URL})
	b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "p1", "title": "fine"})
	if l := b.logs(id); len(l) != 1 || l[0].Verdict != delivery.VerdictAccepted {
		t.Fatalf("logs %+v", l)
	}
	status, out := b.do("PUT", "/api/v1/content/product/p1", map[string]any{"title": "break"})
	fields, _ := out.(map[string]any)
	if status != 400 || fields["title"] == nil {
		t.Fatalf("PUT = %d %v, want 400 with a title error", status, out)
	}
	if got := b.must(200, "GET", "/api/v1/content/product/p1", nil); got["title"] != "fine" {
		t.Errorf("stored %v", got)
	}
}

// A 400 with response.errors refuses the save; the caller gets the errors
// in Flotiq's flat map and nothing is written, for create, update (PATCH)
// and delete.
func TestRejectingReceiver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reject := false
	rc := newReceiver(t, func(in received) (int, any) {
		if !reject {
			return 200, echo(in, payloadOf(in))
		}
		a := echo(in, payloadOf(in))
		a["response"] = map[string]any{"errors": map[string]any{"title": []any{"Title must mention the brand"}}}
		return 400, a
	})
	id := b.hook(map[string]any{"name": "Guard", "url": rc.URL})
	b.must(200, "POST", "/api/v1/content/product", map[string]any{"id": "keep", "title": "kept"})
	reject = true

	want := map[string]any{"title": []any{"Title must mention the brand"}}
	for _, c := range []struct{ method, path string }{
		{"POST", "/api/v1/content/product"}, {"PATCH", "/api/v1/content/product/keep"}, {"DELETE", "/api/v1/content/product/keep"},
	} {
		var body any = map[string]any{"title": "new"}
		if c.method == "DELETE" {
			body = nil
		}
		status, out := b.do(c.method, c.path, body)
		if status != 400 || !reflect.DeepEqual(out, want) {
			t.Errorf("%s = %d %v, want 400 %v", c.method, status, out, want)
		}
	}
	page := b.must(200, "GET", "/api/v1/content/product", nil)
	if page["total_count"] != 1.0 {
		t.Errorf("objects: %v", page)
	}
	if got := b.must(200, "GET", "/api/v1/content/product/keep", nil); got["title"] != "kept" {
		t.Errorf("stored %v", got)
	}
	events := []string{}
	for _, r := range rc.requests() {
		events = append(events, r.Body["event"].(string))
	}
	if !reflect.DeepEqual(events, []string{"pre-create", "pre-create", "pre-update", "pre-delete"}) {
		t.Errorf("events %v", events)
	}
	// The PATCH sent the merged object; the delete the stored one.
	if p := payloadOf(rc.requests()[2]); p["title"] != "new" || p["id"] != "keep" {
		t.Errorf("pre-update payload %v", p)
	}
	if p := payloadOf(rc.requests()[3]); p["title"] != "kept" || p["internal"] == nil {
		t.Errorf("pre-delete payload %v", p)
	}
	rejected := 0
	for _, l := range b.logs(id) {
		if l.Verdict == delivery.VerdictRejected && l.Status == delivery.StatusError {
			rejected++
		}
	}
	if rejected != 3 {
		t.Errorf("%d rejected logs, want 3: %+v", rejected, b.logs(id))
	}
}

// Every answer that is neither a 200 nor a 400 with errors refuses the save
// with Flotiq's __webhook message, and the log says failed.
func TestFailingReceivers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String() + "/hook"
	refused.Close()
	slow := newReceiver(t, func(in received) (int, any) { time.Sleep(3 * time.Second); return 200, echo(in, payloadOf(in)) })
	cases := []struct {
		name, url string
		extra     map[string]any
		want      string
	}{
		{"bad json", newReceiver(t, func(received) (int, any) { return 200, "{not json" }).URL, nil,
			"Error processing bad json webhook: Could not decode JSON, syntax error - malformed JSON."},
		{"other status", newReceiver(t, func(received) (int, any) { return 500, map[string]any{} }).URL, nil,
			"Error processing other status webhook: the receiver answered 500; 200 or 400 is expected"},
		{"400 without errors", newReceiver(t, func(received) (int, any) { return 400, map[string]any{"response": map[string]any{}} }).URL, nil,
			"Error processing 400 without errors webhook: the receiver answered 400 without response.errors"},
		{"redirect", newReceiver(t, func(received) (int, any) { return 302, map[string]any{} }).URL, nil,
			"Error processing redirect webhook: the receiver answered 302; 200 or 400 is expected"},
		{"timeout", slow.URL, map[string]any{"timeout_ms": 300}, "Error processing timeout webhook: no response within 300ms"},
		{"refused", refusedURL, nil, "Error processing refused webhook: request failed: "},
	}
	for i, c := range cases {
		typeName := "failcase" + string(rune('a'+i))
		def := map[string]any{}
		for k, v := range productType {
			def[k] = v
		}
		def["name"] = typeName
		b.must(200, "POST", "/api/v1/internal/contenttype", def)
		fields := map[string]any{"name": c.name, "url": c.url,
			"content_type_definitions": []any{map[string]any{"content_type_definition_name": typeName}}}
		for k, v := range c.extra {
			fields[k] = v
		}
		id := b.hook(fields)
		began := time.Now()
		status, out := b.do("POST", "/api/v1/content/"+typeName, map[string]any{"title": "x"})
		m, _ := out.(map[string]any)
		msgs, _ := m["__webhook"].([]any)
		if status != 400 || len(m) != 1 || len(msgs) != 1 || !strings.HasPrefix(msgs[0].(string), c.want) {
			t.Errorf("%s: %d %v, want 400 __webhook %q", c.name, status, out, c.want)
		}
		if c.name == "timeout" && time.Since(began) > 2500*time.Millisecond {
			t.Errorf("timeout took %s", time.Since(began))
		}
		if l := b.logs(id); len(l) != 1 || l[0].Verdict != delivery.VerdictFailed || l[0].Error == "" {
			t.Errorf("%s: logs %+v", c.name, l)
		}
		if page := b.must(200, "GET", "/api/v1/content/"+typeName, nil); page["total_count"] != 0.0 {
			t.Errorf("%s: saved anyway", c.name)
		}
	}
}

// Three sync webhooks run in name order, each getting the previous one's
// output, with a growing sequenceNumber; disabled ones and other types'
// ones are not called.
func TestChainOfThree(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var seqs []any
	appendLetter := func(letter string) func(in received) (int, any) {
		return func(in received) (int, any) {
			seqs = append(seqs, in.Body["sequenceNumber"])
			p := payloadOf(in)
			p["title"] = p["title"].(string) + letter
			return 200, echo(in, p)
		}
	}
	// Created out of order: the run order is by name.
	b.hook(map[string]any{"name": "c-third", "url": newReceiver(t, appendLetter("C")).URL})
	b.hook(map[string]any{"name": "a-first", "url": newReceiver(t, appendLetter("A")).URL})
	b.hook(map[string]any{"name": "b-second", "url": newReceiver(t, appendLetter("B")).URL})
	off := newReceiver(t, appendLetter("X"))
	b.hook(map[string]any{"name": "0-disabled", "url": off.URL, "enabled": false})
	b.hook(map[string]any{"name": "0-async", "url": off.URL, "type": "async"})

	obj := b.must(200, "POST", "/api/v1/content/product", map[string]any{"title": "x"})
	if obj["title"] != "xABC" {
		t.Fatalf("title %v, want xABC", obj["title"])
	}
	if !reflect.DeepEqual(seqs, []any{0.0, 1.0, 2.0}) {
		t.Errorf("sequence numbers %v", seqs)
	}
	// The async webhook got the saved object after the commit, not a sync request.
	deadline := time.Now().Add(5 * time.Second)
	for len(off.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if r := off.requests(); len(r) != 1 || r[0].Body["action"] != "Create" || payloadOf(r[0])["title"] != "xABC" {
		t.Errorf("async webhook got %v", r)
	}
}

// A batch runs the sync webhooks per object; one rejection saves nothing.
func TestBatchWithOneRejection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rc := newReceiver(t, func(in received) (int, any) {
		p := payloadOf(in)
		if p["title"] == "bad" {
			a := echo(in, p)
			a["response"] = map[string]any{"errors": map[string]any{"title": []any{"No bad titles"}}}
			return 400, a
		}
		p["slug"] = "s-" + p["title"].(string)
		return 200, echo(in, p)
	})
	b.hook(map[string]any{"name": "Batch", "url": rc.URL})
	items := []any{map[string]any{"title": "one"}, map[string]any{"title": "bad"}, map[string]any{"title": "three"}}
	status, out := b.do("POST", "/api/v1/content/product/batch", items)
	m, _ := out.(map[string]any)
	errList, _ := m["errors"].([]any)
	if status != 400 || len(errList) != 1 {
		t.Fatalf("batch = %d %v", status, out)
	}
	if e := errList[0].(map[string]any); e["index"] != 1.0 || !reflect.DeepEqual(e["errors"], map[string]any{"title": []any{"No bad titles"}}) {
		t.Errorf("batch error %v", e)
	}
	if page := b.must(200, "GET", "/api/v1/content/product", nil); page["total_count"] != 0.0 {
		t.Fatalf("batch saved something: %v", page)
	}
	// Without the bad one, every object is saved as its webhook changed it.
	b.must(200, "POST", "/api/v1/content/product/batch", []any{items[0], items[2]})
	page := b.must(200, "GET", "/api/v1/content/product?order_by=title", nil)
	data, _ := page["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["slug"] != "s-one" || data[1].(map[string]any)["slug"] != "s-three" {
		t.Errorf("saved %v", data)
	}
}
