package content

// inlineRefs returns a copy of v with Flotiq's component references
// replaced by their schemas, as resolveRef=true answers: a DataSource item
// becomes the {dataUrl, type} object schema, so tools that cannot follow
// "#/components/schemas/…" (there is no such document beside a CTD) still
// see the whole shape.
func inlineRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok && len(x) == 1 {
			switch ref {
			case dataSourceRef:
				return dataSourceSchema()
			case abstractRef:
				return map[string]any{"type": "object"}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = inlineRefs(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = inlineRefs(e)
		}
		return out
	}
	return v
}

// withoutNullTypes drops `"type": null` from a definition's schema. Flotiq's
// own exports carry it beside a relation's $ref (the
// flotiq/flotiq-demo-blog-nextjs starter: `"items": {"$ref": …, "type":
// null}`); a null type says nothing, and JSON Schema would refuse it.
func withoutNullTypes(def map[string]any) map[string]any {
	sd, ok := def["schemaDefinition"].(map[string]any)
	if !ok {
		return def
	}
	out := make(map[string]any, len(def))
	for k, v := range def {
		out[k] = v
	}
	out["schemaDefinition"] = dropNullTypes(sd)
	return out
}

func dropNullTypes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "type" && e == nil {
				continue
			}
			out[k] = dropNullTypes(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropNullTypes(e)
		}
		return out
	}
	return v
}
