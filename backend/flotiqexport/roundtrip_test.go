package flotiqexport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"hookline/backend/app"

	"hookline/backend/store/pgtest"
)

const key = "export-test-key-0123456789abcdef"

func openApp(t *testing.T) *app.Main {
	t.Helper()
	ui := fstest.MapFS{"index.html": {Data: []byte("<html><head></head><body></body></html>")}}
	m, err := app.Open(context.Background(), app.Config{Mode: "serve", DataDir: t.TempDir(), Addr: "127.0.0.1:0", APIKey: key, Workers: 1, DatabaseURL: pgtest.DatabaseURL(t)}, ui, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	return m
}

func get(t *testing.T, m *app.Main, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", m.URL()+path, nil)
	req.Header.Set("X-AUTH-TOKEN", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// canonical writes v as the export writes it: JSON.stringify's bytes, with
// Go's sorted keys.
func canonical(t *testing.T, v any, indent string) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func mustMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

func encodeImage(t *testing.T, kind string, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), []color.Color{color.White, color.Black, color.RGBA{200, 30, 30, 255}})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetColorIndex(x, y, uint8((x/4+y/4)%3))
		}
	}
	var b bytes.Buffer
	var err error
	switch kind {
	case "png":
		err = png.Encode(&b, img)
	case "jpg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var mimeOf = map[string]string{"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}

const authorCTD = `{"name":"author","label":"Author","internal":false,"featuredImage":[],"schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"name":{"type":"string","minLength":1},"avatar":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"},"minItems":0}}}],"required":["name"],"additionalProperties":false},"metaDefinition":{"order":["name","avatar"],"propertiesConfig":{"name":{"label":"Name","inputType":"text","unique":false,"isTitlePart":true,"helpText":""},"avatar":{"label":"Avatar","inputType":"datasource","unique":false,"helpText":"","validation":{"relationContenttype":"_media","relationMultiple":false}}}}}`

const postCTD = `{"name":"blog_post","label":"Blog post","internal":false,"featuredImage":[],"schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"title":{"type":"string","minLength":1},"body":{"type":"string"},"author":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"},"minItems":0},"gallery":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"},"minItems":0}}}],"required":["title"],"additionalProperties":false},"metaDefinition":{"order":["title","body","author","gallery"],"propertiesConfig":{"title":{"label":"Title","inputType":"text","unique":false,"isTitlePart":true,"helpText":""},"body":{"label":"Body","inputType":"textarea","unique":false,"helpText":""},"author":{"label":"Author","inputType":"datasource","unique":false,"helpText":"","validation":{"relationContenttype":"author","relationMultiple":false}},"gallery":{"label":"Gallery","inputType":"datasource","unique":false,"helpText":"","validation":{"relationContenttype":"_media","relationMultiple":true}}}}}`

func ref(typ, id string) map[string]any {
	return map[string]any{"type": "internal", "dataUrl": "/api/v1/content/" + typ + "/" + id}
}

// fixture writes a small .flotiq folder: two types, objects related to each
// other and to three images made here, a tag and a webhook.
func fixture(t *testing.T, builtIn map[string][]byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".flotiq")
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lines := func(objs ...map[string]any) []byte {
		sort.Slice(objs, func(i, j int) bool { return objs[i]["id"].(string) < objs[j]["id"].(string) })
		var parts [][]byte
		for _, o := range objs {
			parts = append(parts, canonical(t, o, ""))
		}
		return bytes.Join(parts, []byte("\n"))
	}
	write("ContentTypeAuthor/ContentTypeDefinition.json", canonical(t, mustMap(t, authorCTD), "  "))
	write("ContentTypeBlogPost/ContentTypeDefinition.json", canonical(t, mustMap(t, postCTD), "  "))
	for rel, b := range builtIn {
		write(rel, b)
	}
	ids := []string{"_media-0b7b4b9e-1f6a-4c55-9d4e-2a7c1f0e9a01", "_media-5c2d8f3a-7e41-4b0b-8c6d-3f9e2a1b7c02", "_media-9e8f7a6b-5c4d-4e3f-a2b1-c0d9e8f7a603"}
	kinds := []string{"png", "jpg", "gif"}
	var medias []map[string]any
	for i, id := range ids {
		data := encodeImage(t, kinds[i], 40+i*10, 30)
		write("InternalContentTypeMedia/"+id+"."+kinds[i], data)
		m := map[string]any{
			"id": id, "url": "/image/0x0/" + id + "." + kinds[i], "size": len(data), "type": "image", "width": 40 + i*10, "height": 30,
			"source": "disk", "fileName": "picture-" + kinds[i] + "." + kinds[i], "mimeType": mimeOf[kinds[i]], "extension": kinds[i], "externalId": "",
		}
		if i == 0 {
			m["alt"] = "A <checked> & \"quoted\" alt"
			m["tags"] = []any{ref("_tag", "_tag-641775")}
		}
		medias = append(medias, m)
	}
	write("InternalContentTypeMedia/contentObjectMedia.json", lines(medias...))
	write("InternalContentTypeTag/contentObjectTag.json", lines(map[string]any{"id": "_tag-641775", "name": "hero"}))
	write("ContentTypeAuthor/contentObjectAuthor.json", lines(
		map[string]any{"id": "author-1", "name": "Ada", "avatar": []any{ref("_media", ids[0])}},
		map[string]any{"id": "author-2", "name": "Grace", "avatar": []any{}},
	))
	write("ContentTypeBlogPost/contentObjectBlogPost.json", lines(
		map[string]any{"id": "blog_post-1", "title": "Hello", "body": "Zażółć gęślą jaźń", "author": []any{ref("author", "author-1")}, "gallery": []any{ref("_media", ids[2]), ref("_media", ids[1])}},
		map[string]any{"id": "blog_post-2", "title": "Second", "author": []any{ref("author", "author-2")}, "gallery": []any{}},
	))
	write("InternalContentTypeWebhooks/contentObjectWebhooks.json", lines(map[string]any{
		"id": "_webhooks-167011", "name": "Rebuild", "url": "http://127.0.0.1:9/hook", "enabled": true, "type": "async", "executionMode": "url",
		"actions": []any{map[string]any{"action": "Create"}}, "content_type_definitions": []any{map[string]any{"content_type_definition_name": "blog_post"}},
		"headers": []any{}, "code": "",
	}))
	return dir
}

// files lists every file under dir with its bytes.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			out[rel] = b
		}
		return nil
	})
	return out
}

// builtInDefinitions are the internal types' definitions as this Hookline
// exports them; the fixture carries the same files, as a real export does
// (import skips internal definitions: they are built in).
func builtInDefinitions(t *testing.T) map[string][]byte {
	t.Helper()
	m := openApp(t)
	dir := filepath.Join(t.TempDir(), "empty-export")
	if _, err := m.Export(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for rel, b := range files(t, dir) {
		if strings.HasPrefix(rel, "Internal") {
			out[rel] = b
		}
	}
	if len(out) != 3 {
		t.Fatalf("an empty Hookline exports %d internal definitions, want 3 (_media, _tag, _webhooks): %v", len(out), out)
	}
	return out
}

func TestRoundTripIsByteIdentical(t *testing.T) {
	t.Parallel()
	src := fixture(t, builtInDefinitions(t))
	m := openApp(t)
	st, err := m.Import(context.Background(), src, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Types != 2 || st.Files != 3 || st.Objects != 9 {
		t.Errorf("import stats = %+v", st)
	}
	// The relations work: the post's gallery hydrates to the media objects,
	// and the images are served.
	status, body := get(t, m, "/api/v1/content/blog_post/blog_post-1?hydrate=1")
	if status != 200 || !strings.Contains(string(body), `"mimeType":"image/gif"`) {
		t.Errorf("hydrated post = %d %s", status, body)
	}
	if status, _ := get(t, m, "/image/20x0/_media-0b7b4b9e-1f6a-4c55-9d4e-2a7c1f0e9a01.png"); status != 200 {
		t.Errorf("imported image resize = %d", status)
	}
	// The webhook was imported but stayed quiet during the import.
	if _, logs := get(t, m, "/api/v1/webhooks/_webhooks-167011/logs"); !strings.Contains(string(logs), `"total_count":0`) {
		t.Errorf("the import queued deliveries: %s", logs)
	}
	out := filepath.Join(t.TempDir(), "exported")
	if _, err := m.Export(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	want, got := files(t, src), files(t, out)
	t.Logf("comparing %d files (%d exported)", len(want), len(got))
	for rel, b := range want {
		if g, ok := got[rel]; !ok {
			t.Errorf("export lacks %s", rel)
		} else if !bytes.Equal(g, b) {
			t.Errorf("%s differs:\n got %s\nwant %s", rel, g, b)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("export has an extra file %s", rel)
		}
	}
}
