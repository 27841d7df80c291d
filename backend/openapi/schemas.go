package openapi

// baseSchemas are the shared components Flotiq's document defines.
func baseSchemas() map[string]any {
	internal := map[string]any{
		"type": "object", "additionalProperties": false,
		"required": []any{"createdAt", "updatedAt", "deletedAt", "contentType"},
		"properties": map[string]any{
			"contentType": str, "createdAt": str, "updatedAt": str, "deletedAt": str,
			"objectTitle": str, "latestVersion": num,
		},
	}
	id := map[string]any{"type": "string", "description": "Unique ID of the object"}
	listProps := map[string]any{"type": "number"}
	codeMessage := func(code int, msg string) map[string]any {
		return map[string]any{
			"type": "object", "properties": map[string]any{"code": num, "message": str},
			"examples": []any{map[string]any{"code": code, "message": msg}},
		}
	}
	return map[string]any{
		"AbstractContentTypeSchemaDefinition": map[string]any{
			"type": "object", "properties": map[string]any{"id": id, "internal": internal}, "required": []any{"id"},
		},
		"AbstractContentTypeSchemaDefinitionWithoutInternal": map[string]any{
			"type": "object", "properties": map[string]any{"id": id}, "required": []any{"id"},
		},
		"DataSource": map[string]any{
			"type": "object", "additionalProperties": false,
			"description": "Represents link between data stored internally inside CMS or external",
			"properties": map[string]any{
				"dataUrl": str,
				"type":    map[string]any{"type": "string", "enum": []any{"internal", "external"}, "default": "internal"},
			},
			"required": []any{"dataUrl", "type"},
		},
		"SystemListProperties": map[string]any{
			"type": "object", "additionalProperties": false,
			"required":   []any{"total_count", "count", "total_pages", "current_page"},
			"properties": map[string]any{"total_count": listProps, "count": listProps, "total_pages": listProps, "current_page": listProps},
		},
		"versionItem": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"id": str, "version": num, "createdAt": str, "updatedAt": str, "deletedAt": str, "owner": str, "current": map[string]any{"type": "boolean"},
			},
		},
		"versionsList": map[string]any{
			"type":       "object",
			"properties": map[string]any{"data": map[string]any{"type": "array", "items": ref("versionItem")}},
		},
		"BatchResponseSuccess": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"batch_total_count": num, "batch_success_count": num, "batch_error_count": num,
				"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			},
		},
		"401Response": codeMessage(401, "Unauthorized"),
		"404Response": codeMessage(404, "Not found"),
	}
}
