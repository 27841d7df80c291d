package webhook

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"hookline/backend/content"
)

// seedObject is the product from the seed's payload example.
func seedObject() map[string]any {
	return map[string]any{
		"id":    "product-399121",
		"name":  "Premium pack",
		"price": 500,
		"internal": map[string]any{
			"createdAt":   "2021-11-22T10:47:16+00:00",
			"deletedAt":   "",
			"updatedAt":   "2021-11-22T10:47:16+00:00",
			"contentType": "product",
			"objectTitle": "Premium pack",
		},
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPayloadMatchesSeed(t *testing.T) {
	t.Parallel()
	create := readJSON(t, "testdata/seed_create.json")
	del := readJSON(t, "testdata/seed_delete.json")
	// Update and Custom are built as for Create; only the action differs.
	withAction := func(m map[string]any, a string) map[string]any {
		b, _ := json.Marshal(m)
		var c map[string]any
		json.Unmarshal(b, &c)
		c["action"] = a
		return c
	}
	tests := []struct {
		action string
		object map[string]any
		want   map[string]any
	}{
		{content.ActionCreate, seedObject(), create},
		{content.ActionUpdate, seedObject(), withAction(create, "Update")},
		{content.ActionCustom, seedObject(), withAction(create, "Custom")},
		{content.ActionDelete, nil, del},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			t.Parallel()
			body, err := Payload("_webhooks-167011", content.Change{
				Action: tt.action, ContentType: "product", ObjectID: "product-399121", Version: 1, Object: tt.object,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("payload is not JSON: %v\n%s", err, body)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("payload differs from the seed\n got: %s\nwant: %v", body, tt.want)
			}
			assertKeyOrder(t, body, "webhookId", "action", "contentTypeName", "ref", "payload")
		})
	}
}

// assertKeyOrder checks the top-level keys of a JSON object appear in order.
func assertKeyOrder(t *testing.T, body []byte, keys ...string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.Token() // {
	var got []string
	for dec.More() {
		k, _ := dec.Token()
		got = append(got, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if !reflect.DeepEqual(got, keys) {
		t.Errorf("key order %v, want %v", got, keys)
	}
}

func TestPayloadDeleteIgnoresObjectAndKeepsHTML(t *testing.T) {
	t.Parallel()
	body, err := Payload("w", content.Change{Action: "Delete", ContentType: "p", ObjectID: "a b?c", Version: 3,
		Object: map[string]any{"id": "a b?c", "secret": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"webhookId":"w","action":"Delete","contentTypeName":"p","ref":"/api/v1/content/p/a%20b%3Fc/version/3","payload":{"id":"a b?c"}}`
	if string(body) != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
	body, err = Payload("w", content.Change{Action: "Update", ContentType: "p", ObjectID: "x", Version: 2,
		Object: map[string]any{"html": "<p>a & b</p>"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"<p>a & b</p>"`) {
		t.Errorf("HTML was escaped: %s", body)
	}
}

func TestPayloadRefusesIncompleteChange(t *testing.T) {
	t.Parallel()
	for _, c := range []content.Change{
		{Action: "Create", ContentType: "p", ObjectID: "x", Version: 1},               // no object
		{Action: "Create", ContentType: "p", ObjectID: "x", Object: map[string]any{}}, // no version
		{Action: "Delete", ContentType: "", ObjectID: "x", Version: 1},
	} {
		if _, err := Payload("w", c); err == nil {
			t.Errorf("Payload(%+v) = nil error", c)
		}
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		w           Webhook
		action, typ string
		want        bool
	}{
		{"listed action, all types", Webhook{Enabled: true, Actions: []string{"Create"}}, "Create", "product", true},
		{"other action", Webhook{Enabled: true, Actions: []string{"Create"}}, "Update", "product", false},
		{"disabled", Webhook{Enabled: false, Actions: []string{"Create"}}, "Create", "product", false},
		{"listed type", Webhook{Enabled: true, Actions: []string{"Delete"}, ContentTypes: []string{"size", "product"}}, "Delete", "product", true},
		{"unlisted type", Webhook{Enabled: true, Actions: []string{"Delete"}, ContentTypes: []string{"size"}}, "Delete", "product", false},
		{"custom listed", Webhook{Enabled: true, Actions: []string{"Create", "Custom"}, ContentTypes: []string{"product"}}, "Custom", "product", true},
		{"custom not listed", Webhook{Enabled: true, Actions: []string{"Create", "Update"}}, "Custom", "product", false},
		{"no actions", Webhook{Enabled: true}, "Create", "product", false},
		{"case matters", Webhook{Enabled: true, Actions: []string{"create"}}, "Create", "product", false},
	}
	for _, tt := range tests {
		if got := tt.w.Matches(tt.action, tt.typ); got != tt.want {
			t.Errorf("%s: Matches(%q, %q) = %v, want %v", tt.name, tt.action, tt.typ, got, tt.want)
		}
	}
}

func TestFromObjectFlotiqExport(t *testing.T) {
	t.Parallel()
	// The real export line from spec §5.2, plus Hookline's secret.
	const line = `{"id":"012d5b3d-0e9e-45c5-9295-e53327b675dd","name":"Revalidate","type":"async","executionMode":"url",
	 "url":"/revalidate","code":"","enabled":true,
	 "actions":[{"action":"Create"},{"action":"Update"},{"action":"Delete"},{"action":"Custom"}],
	 "content_type_definitions":[{"content_type_definition_name":"product"},{"content_type_definition_name":"size"}],
	 "headers":[{"header_name":"AUTH","header_value":"secret_token"}],
	 "signing_secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`
	var obj map[string]any
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		t.Fatal(err)
	}
	w, err := FromObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	want := Webhook{
		ID: "012d5b3d-0e9e-45c5-9295-e53327b675dd", Name: "Revalidate", Type: "async", ExecutionMode: "url",
		URL: "/revalidate", Enabled: true,
		Actions:       []string{"Create", "Update", "Delete", "Custom"},
		ContentTypes:  []string{"product", "size"},
		Headers:       []Header{{Name: "AUTH", Value: "secret_token"}},
		SigningSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("got  %+v\nwant %+v", w, want)
	}
	if b, _ := json.Marshal(w); strings.Contains(string(b), "whsec_") {
		t.Errorf("secret leaked into JSON: %s", b)
	}
}

func TestFromObjectDefaultsAndShapeErrors(t *testing.T) {
	t.Parallel()
	w, err := FromObject(map[string]any{"id": "w1", "name": "n", "url": "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Type != TypeAsync || w.ExecutionMode != ModeURL || w.Enabled || len(w.Actions) != 0 {
		t.Errorf("defaults: %+v", w)
	}
	for _, obj := range []map[string]any{
		{"name": 3},
		{"enabled": "yes"},
		{"actions": "Create"},
		{"actions": []any{"Create"}},
		{"actions": []any{map[string]any{"action": 1}}},
		{"headers": []any{map[string]any{"header_value": "v"}}},
	} {
		if _, err := FromObject(obj); err == nil {
			t.Errorf("FromObject(%v) = nil error", obj)
		}
	}
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	var ctd struct {
		Name             string `json:"name"`
		Label            string `json:"label"`
		Internal         bool   `json:"internal"`
		SchemaDefinition struct {
			Type  string `json:"type"`
			AllOf []struct {
				Ref        string                    `json:"$ref"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"allOf"`
			Required             []string `json:"required"`
			AdditionalProperties *bool    `json:"additionalProperties"`
		} `json:"schemaDefinition"`
		MetaDefinition struct {
			PropertiesConfig map[string]map[string]any `json:"propertiesConfig"`
			Order            []string                  `json:"order"`
		} `json:"metaDefinition"`
	}
	if err := json.Unmarshal(Definition(), &ctd); err != nil {
		t.Fatal(err)
	}
	sd := ctd.SchemaDefinition
	if ctd.Name != TypeName || ctd.Label != "Webhooks (internal)" || !ctd.Internal || sd.Type != "object" ||
		sd.AdditionalProperties == nil || *sd.AdditionalProperties || len(sd.AllOf) != 2 ||
		sd.AllOf[0].Ref != "#/components/schemas/AbstractContentTypeSchemaDefinition" {
		t.Fatalf("header fields wrong: %+v", ctd)
	}
	props := sd.AllOf[1].Properties
	meta := ctd.MetaDefinition
	if len(props) != len(meta.PropertiesConfig) || len(props) != len(meta.Order) {
		t.Errorf("properties %d, propertiesConfig %d, order %d: must match", len(props), len(meta.PropertiesConfig), len(meta.Order))
	}
	for _, name := range meta.Order {
		if props[name] == nil || meta.PropertiesConfig[name] == nil {
			t.Errorf("%s is in order but not in both schema and meta", name)
		}
	}
	for _, r := range sd.Required {
		if props[r] == nil {
			t.Errorf("required %s is not a property", r)
		}
	}
	if !reflect.DeepEqual(props["type"]["enum"], []any{"async", "sync", "ctd"}) || props["type"]["default"] != "async" {
		t.Errorf("type: %v", props["type"])
	}
	if props["executionMode"]["default"] != "url" {
		t.Errorf("executionMode: %v", props["executionMode"])
	}
	if props["signing_secret"] == nil || props["tls_ca_pem"] == nil {
		t.Error("signing_secret or tls_ca_pem missing")
	}
	// The Flotiq export order, with Hookline's extensions last.
	wantOrder := []string{"name", "type", "executionMode", "content_type_definitions", "actions", "url", "code", "headers", "enabled", "signing_secret", "tls_ca_pem", "timeout_ms"}
	if !reflect.DeepEqual(meta.Order, wantOrder) {
		t.Errorf("order %v", meta.Order)
	}
}
