package openapi

import "testing"

func TestOperationPrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"_media": "Media", "blog_post": "BlogPost", "blogpost": "Blogpost", "_tag": "Tag", "a__b": "AB"} {
		if got := OperationPrefix(in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}

func TestUserOnlyLeavesOutInternalTypes(t *testing.T) {
	t.Parallel()
	defs := []map[string]any{
		{"name": "_media", "label": "Media (internal)", "internal": true, "schemaDefinition": map[string]any{"allOf": []any{map[string]any{}, map[string]any{"properties": map[string]any{"url": map[string]any{"type": "string"}}}}}},
		{"name": "post", "label": "Post", "internal": false, "schemaDefinition": map[string]any{"required": []any{"title"}, "allOf": []any{map[string]any{}, map[string]any{"properties": map[string]any{"title": map[string]any{"type": "string"}}}}}},
	}
	all := Build(defs, Options{})["paths"].(map[string]any)
	user := Build(defs, Options{UserOnly: true})["paths"].(map[string]any)
	if all["/api/v1/content/_media"] == nil || all["/api/media"] == nil || all["/api/v1/content/post/{id}/version/{versionId}"] == nil {
		t.Errorf("full document lacks paths")
	}
	if user["/api/v1/content/_media"] != nil || user["/api/media"] != nil || user["/api/v1/content/post"] == nil {
		t.Errorf("user_only document: %v", user)
	}
	post := Build(defs, Options{})["components"].(map[string]any)["schemas"].(map[string]any)["post"].(map[string]any)
	if req := post["required"].([]any); len(req) != 1 || req[0] != "title" {
		t.Errorf("required = %v", post["required"])
	}
}
