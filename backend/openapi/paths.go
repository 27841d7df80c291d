package openapi

func jsonBody(schema any) map[string]any {
	return map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": schema}}}
}

func answer(desc string, schema any) map[string]any {
	a := map[string]any{"description": desc}
	if schema != nil {
		a["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	return a
}

func param(in, name, desc string, required bool, schema map[string]any) map[string]any {
	return map[string]any{"in": in, "name": name, "description": desc, "required": required, "schema": schema}
}

var (
	str              = map[string]any{"type": "string"}
	num              = map[string]any{"type": "number"}
	idParam          = param("path", "id", "Content object id", true, str)
	validationErrors = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": str}}
)

func common(extra map[string]any) map[string]any {
	out := map[string]any{
		"400": answer("Validation error", validationErrors),
		"401": answer("Unauthorized", ref("401Response")),
		"404": answer("Not found", ref("404Response")),
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func op(id, summary, tag string, params []any, body any, responses map[string]any) map[string]any {
	o := map[string]any{"operationId": id, "summary": summary, "tags": []any{tag}, "responses": responses}
	if params != nil {
		o["parameters"] = params
	}
	if body != nil {
		o["requestBody"] = body
	}
	return o
}

// addTypePaths adds Flotiq's content endpoints of one type.
func addTypePaths(paths map[string]any, name, label, tag string) {
	p := OperationPrefix(name)
	base := "/api/v1/content/" + name
	listParams := []any{
		param("query", "page", "Listing page number, 1-based", false, map[string]any{"type": "number", "default": 1, "minimum": 1}),
		param("query", "limit", "Page limit", false, map[string]any{"type": "number", "default": 20, "minimum": 1}),
		param("query", "order_by", "Order by field", false, map[string]any{"type": "string", "default": "internal.createdAt"}),
		param("query", "order_direction", "Order direction", false, map[string]any{"type": "string", "default": "asc"}),
		param("query", "hydrate", "Should hydrate relations of object", false, map[string]any{"type": "number", "minimum": 0, "maximum": 2, "default": 0}),
		param("query", "filters", "List filters", false, map[string]any{"type": "string", "default": "{}"}),
		param("query", "ids[]", "Ids of objects to return.", false, map[string]any{"type": "array", "items": str}),
	}
	paths[base] = map[string]any{
		"get":  op(p+"_list", "List "+name+" objects", tag, listParams, nil, common(map[string]any{"200": answer("OK", ref(name+"List"))})),
		"post": op(p+"_create", "Create a "+name+" object", tag, nil, jsonBody(ref(name+"WithoutInternal")), common(map[string]any{"200": answer("OK", ref(name))})),
	}
	paths[base+"/{id}"] = map[string]any{
		"get":    op(p+"_get", "Get a "+name+" object", tag, []any{idParam, param("query", "hydrate", "Should hydrate relations of object", false, num)}, nil, common(map[string]any{"200": answer("OK", ref(name))})),
		"put":    op(p+"_update", "Update a "+name+" object", tag, []any{idParam}, jsonBody(ref(name+"WithoutInternal")), common(map[string]any{"200": answer("OK", ref(name))})),
		"patch":  op(p+"_patch", "Update parts of a "+name+" object", tag, []any{idParam}, jsonBody(ref(name+"WithoutRequired")), common(map[string]any{"200": answer("OK", ref(name))})),
		"delete": op(p+"_delete", "Delete a "+name+" object", tag, []any{idParam}, nil, common(map[string]any{"204": answer("Object deleted", nil)})),
	}
	batchResult := ref("BatchResponseSuccess")
	paths[base+"/batch"] = map[string]any{
		"post": op(p+"_batchCreate", "Create or update up to 100 "+name+" objects", tag,
			[]any{param("query", "updateExisting", "Update objects that exist", false, map[string]any{"type": "boolean", "default": false})},
			jsonBody(map[string]any{"type": "array", "items": ref(name + "WithoutInternal"), "maxItems": 100}), common(map[string]any{"200": answer("OK", batchResult)})),
		"patch": op(p+"_batchPatch", "Update parts of several "+name+" objects", tag, nil,
			jsonBody(map[string]any{"type": "array", "items": ref(name + "WithoutRequired"), "maxItems": 100}), common(map[string]any{"200": answer("OK", batchResult)})),
	}
	paths[base+"/batch-delete"] = map[string]any{
		"post": op(p+"_batchDelete", "Delete several "+name+" objects", tag, nil,
			jsonBody(map[string]any{"type": "array", "items": str}),
			common(map[string]any{"200": answer("OK", map[string]any{"type": "object", "properties": map[string]any{"deletedCount": num}})})),
	}
	paths[base+"/{id}/version"] = map[string]any{
		"get": op(p+"_listVersion", "List the versions of a "+name+" object", tag, []any{idParam}, nil, common(map[string]any{"200": answer("OK", ref(name+"VersionsList"))})),
	}
	paths[base+"/{id}/version/{versionId}"] = map[string]any{
		"get": op(p+"_getVersions", "Get one version of a "+name+" object", tag,
			[]any{idParam, param("path", "versionId", "Version number", true, num)}, nil, common(map[string]any{"200": answer("OK", ref(name))})),
	}
	paths[base+"/removed"] = map[string]any{
		"get": op(p+"_getRemoved", "Ids of removed "+name+" objects", tag,
			[]any{param("query", "deletedAfter", "Only objects removed after this time (ISO 8601)", false, str)}, nil,
			common(map[string]any{"200": answer("OK", map[string]any{"type": "array", "items": str})})),
	}
}

// addMediaPaths adds the upload and the image route (spec §2, §3).
func addMediaPaths(paths map[string]any) {
	upload := map[string]any{"content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
		"type": "object", "required": []any{"file", "type"},
		"properties": map[string]any{
			"file": map[string]any{"type": "string", "format": "binary"},
			"type": map[string]any{"type": "string", "enum": []any{"image", "file"}},
			"save": map[string]any{"type": "number", "default": 0},
		},
	}}}}
	paths["/api/media"] = map[string]any{
		"post": op("postMedia", "Upload a file", "Media", nil, upload, map[string]any{
			"200": answer("OK", ref("_mediaWithoutInternal")),
			"400": answer("Validation error", validationErrors),
			"401": answer("Unauthorized", ref("401Response")),
			"415": answer("Unsupported Media Type", ref("404Response")),
		}),
	}
	paths["/image/{size}/{key}"] = map[string]any{
		"get": map[string]any{
			"operationId": "getMedia", "summary": "Get a file, resized when it is an image", "tags": []any{"Media"},
			"security": []any{},
			"parameters": []any{
				param("path", "size", "{width}x{height}; 0x0 is the original, 0 keeps the ratio", true, map[string]any{"type": "string", "pattern": "^[0-9]+x[0-9]+$"}),
				param("path", "key", "{id}.{extension}", true, str),
			},
			"responses": map[string]any{
				"200": map[string]any{"description": "The file", "content": map[string]any{"image/jpeg": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}},
				"404": answer("Not found", ref("404Response")),
			},
		},
	}
}
