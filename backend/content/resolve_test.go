package content

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestResolveRefInlinesDataSource(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	def := mustJSON(t, `{"name":"gallery","label":"Gallery","schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"title":{"type":"string"},"images":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"},"minItems":0}}}],"required":[],"additionalProperties":false},"metaDefinition":{"order":["title","images"],"propertiesConfig":{"title":{"label":"Title","inputType":"text","unique":false},"images":{"label":"Images","inputType":"datasource","unique":false,"validation":{"relationContenttype":"gallery","relationMultiple":true}}}}}`)
	if _, err := s.CreateType(ctx, def); err != nil {
		t.Fatal(err)
	}
	res, err := s.GetType(ctx, "gallery", GetTypeOptions{ResolveRef: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res["schemaDefinition"])
	if strings.Contains(string(b), "$ref") || !strings.Contains(string(b), `"dataUrl":{"type":"string"}`) || !strings.Contains(string(b), `"internal"`) {
		t.Errorf("resolved schema still refers, or lacks DataSource or internal: %s", b)
	}
	// The stored definition keeps its $ref.
	plain, _ := s.GetType(ctx, "gallery", GetTypeOptions{})
	if b, _ := json.Marshal(plain); !strings.Contains(string(b), "#/components/schemas/DataSource") {
		t.Errorf("plain GET lost the $ref: %s", b)
	}
}

// A relation exported by Flotiq with "type": null beside its $ref imports.
func TestNullTypeBesideRefIsAccepted(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	def := mustJSON(t, `{"name":"author","label":"Author","schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"name":{"type":"string"},"avatar":{"type":"array","items":{"$ref":"#/components/schemas/DataSource","type":null}}}}],"required":[],"additionalProperties":false},"metaDefinition":{"order":["name","avatar"],"propertiesConfig":{"name":{"label":"Name","inputType":"text","unique":false},"avatar":{"label":"Avatar","inputType":"datasource","unique":false,"validation":{"relationContenttype":"author"}}}}}`)
	out, err := s.CreateType(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(out); strings.Contains(string(b), `"type":null`) {
		t.Errorf("stored definition keeps the null type: %s", b)
	}
}
