package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"hookline/backend/content"
	"hookline/backend/webhook"
)

// CTD webhooks fire, through the queue and signed, on every type create,
// update and delete, with the ref and payload of the spec; object changes
// and disabled CTD webhooks send nothing to them.
func TestCTDWebhooksOnCreateUpdateDelete(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []map[string]any
	secret := webhook.GenerateSecret()
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get("Webhook-Timestamp"), 10, 64)
		if err := webhook.Verify(secret, r.Header.Get("Webhook-Id"), ts, raw, r.Header.Get("Webhook-Signature")); err != nil {
			t.Errorf("signature: %v", err)
		}
		var body map[string]any
		json.Unmarshal(raw, &body)
		mu.Lock()
		got = append(got, body)
		mu.Unlock()
	}))
	defer rc.Close()
	m, err := Open(context.Background(), Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hook, err := m.Content.Create(ctx, webhook.TypeName, map[string]any{"name": "Types", "type": "ctd", "url": rc.URL,
		"enabled": true, "actions": []any{}, "content_type_definitions": []any{}, "signing_secret": secret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Content.Create(ctx, webhook.TypeName, map[string]any{"name": "Off", "type": "ctd", "url": rc.URL,
		"enabled": false, "actions": []any{}}); err != nil {
		t.Fatal(err)
	}
	def := map[string]any{"name": "note", "label": "Note",
		"schemaDefinition": map[string]any{"type": "object", "additionalProperties": false, "allOf": []any{
			map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
			map[string]any{"type": "object", "properties": map[string]any{"text": map[string]any{"type": "string"}}}}},
		"metaDefinition": map[string]any{"order": []any{"text"}, "propertiesConfig": map[string]any{
			"text": map[string]any{"label": "Text", "inputType": "text", "unique": false}}}}
	created, err := m.Content.CreateType(ctx, def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Content.Create(ctx, "note", map[string]any{"text": "an object change"}); err != nil {
		t.Fatal(err)
	}
	def["label"] = "Notes"
	if _, err := m.Content.UpdateType(ctx, "note", def); err != nil {
		t.Fatal(err)
	}
	// A refused change sends nothing.
	if err := m.Content.DeleteType(ctx, "note"); err == nil {
		t.Fatal("deleted a type with objects")
	}
	res, _ := m.Content.List(ctx, "note", content.ListQuery{Limit: 100})
	for _, o := range res.Data {
		if err := m.Content.Delete(ctx, "note", o["id"].(string)); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Content.DeleteType(ctx, "note"); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // nothing more may come
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("got %d deliveries, want 3: %v", len(got), got)
	}
	byAction := map[string]map[string]any{}
	for _, g := range got {
		byAction[g["action"].(string)] = g
		if g["webhookId"] != hook["id"] || g["contentTypeName"] != "note" || g["ref"] != "/api/v1/internal/contenttype/note" {
			t.Errorf("envelope %v", g)
		}
	}
	if p := byAction["Create"]["payload"].(map[string]any); p["id"] != created["id"] || p["label"] != "Note" || p["schemaDefinition"] == nil || p["metaDefinition"] == nil {
		t.Errorf("create payload %v", p)
	}
	if p := byAction["Update"]["payload"].(map[string]any); p["label"] != "Notes" {
		t.Errorf("update payload %v", p)
	}
	if p := byAction["Delete"]["payload"]; !reflect.DeepEqual(p, map[string]any{"id": created["id"]}) {
		t.Errorf("delete payload %v", p)
	}
}
