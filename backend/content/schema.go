package content

// The JSON Schema an object is validated with, built from a parsed type and
// compiled with santhosh-tekuri/jsonschema, and compile errors mapped back
// to the definition's paths.

import (
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"hookline/backend/errs"
)

// objectSchema is the JSON Schema an object's properties are checked with.
// Flotiq's stored form cannot be used as is: its root says
// additionalProperties:false while the properties sit inside allOf, which in
// JSON Schema rejects every property. This is the flattened form Flotiq
// shows for resolveRef=true, with block and custom values loosened to "any
// JSON" as the issue asks.
func objectSchema(ps *propSet, conditional map[string]any) map[string]any {
	props := map[string]any{"id": map[string]any{"type": "string"}}
	for n, p := range ps.byName {
		props[n] = valueSchema(p)
	}
	doc := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
		"components": map[string]any{"schemas": map[string]any{
			"DataSource":                          dataSourceSchema(),
			"AbstractContentTypeSchemaDefinition": map[string]any{"type": "object"},
		}},
	}
	if req := sortedKeys(ps.required); len(req) > 0 {
		doc["required"] = toAnyList(req)
	}
	for k, v := range conditional {
		doc[k] = v
	}
	return doc
}

func valueSchema(p *prop) map[string]any {
	switch p.inputType {
	case "block":
		return map[string]any{"type": "object"}
	case "custom":
		return map[string]any{}
	case "object":
		if p.items != nil {
			s := cloneMap(p.schema)
			items := cloneMap(s["items"].(map[string]any))
			sub := map[string]any{}
			for n, c := range p.items.byName {
				sub[n] = valueSchema(c)
			}
			items["properties"] = sub
			s["items"] = items
			return s
		}
	}
	return p.schema
}

func dataSourceSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"dataUrl": map[string]any{"type": "string"},
			"type":    map[string]any{"type": "string", "enum": []any{"internal", "external"}},
		},
		"required":             []any{"dataUrl", "type"},
		"additionalProperties": false,
	}
}

// noLoader refuses every external schema: a $ref in a user's definition
// must never read local files or the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external schema references are not allowed: %s", url)
}

func compileSchema(name string, doc map[string]any) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	// Flotiq's schemas are OpenAPI 3.0 flavoured, which is closest to draft 7.
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(noLoader{})
	url := "hookline:///types/" + name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// schemaCompileErrors turns a compile failure into field messages pointing
// at the offending place in the definition.
func schemaCompileErrors(f errs.Fields, err error) {
	var sve *jsonschema.SchemaValidationError
	if ok := asErr(err, &sve); ok {
		var ve *jsonschema.ValidationError
		if asErr(sve.Err, &ve) {
			for _, leaf := range leaves(ve) {
				f.Add(compilePath(leaf.InstanceLocation), "%s", leafMessage(leaf))
			}
			return
		}
	}
	msg := err.Error()
	// Pattern compile errors come from Go's RE2, which lacks some ECMA-262
	// features (lookaround, backreferences).
	if strings.Contains(msg, "regex") || strings.Contains(msg, "pattern") {
		f.Add("schemaDefinition", "Invalid regex pattern (lookaround and backreferences are not supported): %s", msg)
		return
	}
	f.Add("schemaDefinition", "Invalid schema: %s", msg)
}

// compilePath maps a location in the flattened schema back to Flotiq's path
// in the stored definition.
func compilePath(loc []string) string {
	if len(loc) >= 2 && loc[0] == "properties" {
		return "schemaDefinition.allOf[1].properties." + strings.Join(loc[1:], ".")
	}
	if len(loc) == 0 {
		return "schemaDefinition"
	}
	return "schemaDefinition." + strings.Join(loc, ".")
}
