// Package openapi generates the OpenAPI 3.1 document of GET
// /api/v1/open-api-schema.json from the current content types, in Flotiq's
// shape (flotiq-docs: docs/API/open-api-schema.md): one set of content
// endpoints per type with operation ids like `Media_list`, and component
// schemas `<name>`, `<name>WithoutInternal`, `<name>WithoutRequired`,
// `<name>List` and `<name>VersionsList`, so that Flotiq's SDK generator
// and Postman read it as they read Flotiq's.
package openapi

import (
	"strings"
	"unicode"
)

// Options shapes the document like Flotiq's query parameters.
type Options struct {
	// UserOnly leaves out the internal types and system endpoints.
	UserOnly bool
	// Version is the info.version shown.
	Version string
}

// Build returns the document for these type definitions (as the content
// service returns them).
func Build(defs []map[string]any, opts Options) map[string]any {
	schemas := baseSchemas()
	paths := map[string]any{}
	var tags []any
	for _, d := range defs {
		name, _ := d["name"].(string)
		internal, _ := d["internal"].(bool)
		if name == "" || (opts.UserOnly && internal) {
			continue
		}
		label, _ := d["label"].(string)
		if label == "" {
			label = name
		}
		tag := "Content: " + label
		tags = append(tags, tag)
		props, required := properties(d)
		addTypeSchemas(schemas, name, props, required)
		addTypePaths(paths, name, label, tag)
	}
	if !opts.UserOnly {
		addMediaPaths(paths)
		tags = append(tags, "Media")
	}
	version := opts.Version
	if version == "" {
		version = "2.0.1"
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Flotiq User API",
			"version":     version,
			"description": "The content API of this Hookline, generated from its current content types.",
		},
		"servers":     []any{map[string]any{"url": "/"}},
		"security":    []any{map[string]any{"HeaderApiKeyAuth": []any{}}},
		"x-tagGroups": []any{map[string]any{"name": "User API", "tags": tags}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"HeaderApiKeyAuth": map[string]any{"description": "API key (Settings shows them)", "type": "apiKey", "in": "header", "name": "X-AUTH-TOKEN"},
			},
			"schemas": schemas,
		},
		"paths": paths,
	}
}

// OperationPrefix is Flotiq's operation id prefix for a type:
// "_media" → "Media", "blog_post" → "BlogPost".
func OperationPrefix(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		if r == '_' || r == '-' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// properties takes the properties and required list out of a CTD's
// schemaDefinition (Flotiq's allOf form).
func properties(def map[string]any) (map[string]any, []any) {
	sd, _ := def["schemaDefinition"].(map[string]any)
	props := map[string]any{}
	all, _ := sd["allOf"].([]any)
	for _, part := range all {
		m, _ := part.(map[string]any)
		if p, ok := m["properties"].(map[string]any); ok {
			for k, v := range p {
				props[k] = v
			}
		}
	}
	if p, ok := sd["properties"].(map[string]any); ok {
		for k, v := range p {
			props[k] = v
		}
	}
	required, _ := sd["required"].([]any)
	if required == nil {
		required = []any{}
	}
	return props, required
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func addTypeSchemas(schemas map[string]any, name string, props map[string]any, required []any) {
	body := map[string]any{"type": "object", "properties": props}
	schemas[name] = map[string]any{
		"type": "object", "allOf": []any{ref("AbstractContentTypeSchemaDefinition"), body},
		"required": required, "additionalProperties": false,
	}
	schemas[name+"WithoutInternal"] = map[string]any{
		"type": "object", "allOf": []any{ref("AbstractContentTypeSchemaDefinitionWithoutInternal"), body},
		"required": required, "additionalProperties": false,
	}
	schemas[name+"WithoutRequired"] = map[string]any{
		"type": "object", "allOf": []any{ref("AbstractContentTypeSchemaDefinition"), body},
		"additionalProperties": false,
	}
	schemas[name+"List"] = map[string]any{
		"type": "object",
		"allOf": []any{ref("SystemListProperties"), map[string]any{"properties": map[string]any{
			"data": map[string]any{"type": "array", "items": ref(name)},
		}}},
	}
	schemas[name+"VersionsList"] = map[string]any{
		"type": "object", "allOf": []any{ref("SystemListProperties"), ref("versionsList")},
	}
}
