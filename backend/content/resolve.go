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
