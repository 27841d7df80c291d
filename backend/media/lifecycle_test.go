package media_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const postType = `{"name":"post","label":"Post","schemaDefinition":{"type":"object","allOf":[{"$ref":"#/components/schemas/AbstractContentTypeSchemaDefinition"},{"type":"object","properties":{"title":{"type":"string","minLength":1},"image":{"type":"array","items":{"$ref":"#/components/schemas/DataSource"},"minItems":0}}}],"required":["title"],"additionalProperties":false},"metaDefinition":{"order":["title","image"],"propertiesConfig":{"title":{"label":"Title","inputType":"text","unique":false,"isTitlePart":true},"image":{"label":"Image","inputType":"datasource","unique":false,"validation":{"relationContenttype":"_media","relationMultiple":true}}}}}`

func TestDeleteRefusedWhileReferenced(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if r := e.do("POST", "/api/v1/internal/contenttype", postType); r.status != 200 {
		t.Fatalf("create type = %d %s", r.status, r.body)
	}
	obj := e.uploadFile("p.png", pngBytes(t, gradient(300, 200)), "image")
	id := obj["id"].(string)
	e.get("/image/100x0/" + id + ".png") // make a cached rendition
	post := `{"id":"post-1","title":"Hello","image":[{"type":"internal","dataUrl":"/api/v1/content/_media/` + id + `"}]}`
	if r := e.do("POST", "/api/v1/content/post", post); r.status != 200 {
		t.Fatalf("create post = %d %s", r.status, r.body)
	}
	r := e.do("DELETE", "/api/v1/content/_media/"+id, "")
	m := r.json(t)
	if r.status != 400 || !strings.Contains(string(r.body), "This content object is used in another content object.") || !slices.Contains(m["usedBy"].([]any), any("post/post-1")) {
		t.Fatalf("delete while referenced = %d %s", r.status, r.body)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "media", id)); err != nil {
		t.Fatal("a refused delete removed the file")
	}
	// Once nothing refers to it, the object and its files go.
	if r := e.do("DELETE", "/api/v1/content/post/post-1", ""); r.status != 204 {
		t.Fatalf("delete post = %d", r.status)
	}
	if r := e.do("DELETE", "/api/v1/content/_media/"+id, ""); r.status != 204 {
		t.Fatalf("delete media = %d %s", r.status, r.body)
	}
	for _, p := range []string{filepath.Join(e.dir, "media", id), filepath.Join(e.dir, "media", "cache", "100x0", id)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there after delete", p)
		}
	}
	if r := e.get("/image/0x0/" + id + ".png"); r.status != 404 {
		t.Errorf("deleted media served: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/content/_media/removed", ""); r.status != 200 || !strings.Contains(string(r.body), id) {
		t.Errorf("removed = %d %s", r.status, r.body)
	}
}

func TestRestartSweepsOrphans(t *testing.T) {
	t.Parallel()
	e := setup(t)
	keep := e.uploadFile("k.png", pngBytes(t, gradient(20, 20)), "image")["id"].(string)
	e.get("/image/10x0/" + keep + ".png")
	dir := filepath.Join(e.dir, "media")
	// What a crash between the rename and the commit, or mid-write, leaves.
	orphan := "_media-11111111-2222-4333-8444-555555555555"
	for _, name := range []string{orphan, ".tmp-upload-123"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "cache", "10x0"), 0o700)
	os.WriteFile(filepath.Join(dir, "cache", "10x0", orphan), []byte("x"), 0o600)
	// Left by a crash a while ago: instances sharing a PostgreSQL database
	// keep young files, which another one may be about to commit.
	old := time.Now().Add(-time.Hour)
	for _, name := range []string{orphan, ".tmp-upload-123"} {
		os.Chtimes(filepath.Join(dir, name), old, old)
	}
	e.restart()
	if files := e.mediaFiles(); !slices.Equal(files, []string{keep}) {
		t.Errorf("after restart the media folder holds %v, want only %s", files, keep)
	}
	if _, err := os.Stat(filepath.Join(dir, "cache", "10x0", orphan)); !os.IsNotExist(err) {
		t.Error("orphan rendition survived")
	}
	if _, err := os.Stat(filepath.Join(dir, "cache", "10x0", keep)); err != nil {
		t.Error("the live rendition was swept")
	}
}

func TestMediaObjectsThroughTheContentAPI(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Both types are listed as internal, as Flotiq's CLI expects.
	r := e.do("GET", "/api/v1/internal/contenttype?internal=1&limit=1000", "")
	for _, name := range []string{`"name":"_media"`, `"name":"_tag"`, `"name":"_webhooks"`} {
		if !strings.Contains(string(r.body), name) {
			t.Errorf("internal types lack %s", name)
		}
	}
	// A create without an id gets _media-<uuid>; a tag gets Flotiq's default.
	m := e.do("POST", "/api/v1/content/_media", `{"fileName":"a.jpg","mimeType":"image/jpeg","size":1,"url":"/image/0x0/x.jpg","source":"disk","extension":"jpg","type":"image"}`)
	if m.status != 200 || !mediaIDRe.MatchString(m.json(t)["id"].(string)) {
		t.Fatalf("create = %d %s", m.status, m.body)
	}
	id := m.json(t)["id"].(string)
	tag := e.do("POST", "/api/v1/content/_tag", `{"name":"hero"}`)
	if tag.status != 200 {
		t.Fatalf("tag = %d %s", tag.status, tag.body)
	}
	tagID := tag.json(t)["id"].(string)
	// PUT ignores the body's internal block (the CLI sends it back).
	put := `{"id":"` + id + `","fileName":"a.jpg","mimeType":"image/jpeg","size":1,"url":"/image/0x0/x.jpg","source":"disk","extension":"jpg","type":"image","alt":"An A","tags":[{"type":"internal","dataUrl":"/api/v1/content/_tag/` + tagID + `"}],"variants":[{"name":"thumb","trim":{"top":0,"left":0,"width":10,"height":10}}],"internal":{"contentType":"_media","createdAt":"2020-01-01T00:00:00+00:00","latestVersion":99}}`
	if r := e.do("PUT", "/api/v1/content/_media/"+id, put); r.status != 200 || r.json(t)["internal"].(map[string]any)["latestVersion"] != float64(2) {
		t.Errorf("PUT with internal = %d %s", r.status, r.body)
	}
	// The tag is now in use.
	if r := e.do("DELETE", "/api/v1/content/_tag/"+tagID, ""); r.status != 400 {
		t.Errorf("delete used tag = %d", r.status)
	}
	// Flotiq's rules on top of the schema.
	for body, field := range map[string]string{
		`{"fileName":"a","mimeType":"x","size":1,"url":"u","source":"ftp","extension":"jpg","type":"image"}`:                                         "source",
		`{"fileName":"a","mimeType":"x","size":1,"url":"u","source":"disk","extension":".JPG","type":"image"}`:                                       "extension",
		`{"fileName":"a","mimeType":"x","size":1,"url":"u","source":"disk","extension":"jpg","type":"video"}`:                                        "type",
		`{"id":"_media-../../x","fileName":"a","mimeType":"x","size":1,"url":"u","source":"disk","extension":"jpg","type":"image"}`:                  "id",
		`{"fileName":"a","mimeType":"x","size":1,"url":"u","source":"disk","extension":"jpg","type":"image","variants":[{"name":"T"},{"name":"t"}]}`: "variants[1].name",
	} {
		r := e.do("POST", "/api/v1/content/_media", body)
		if r.status != 400 || r.json(t)[field] == nil {
			t.Errorf("%s: %d %s, want 400 on %s", body, r.status, r.body, field)
		}
	}
}

func TestUploadSendsWebhook(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if r := e.do("POST", "/api/v1/inboxes", `{"name":"m","status":200}`); r.status != 200 && r.status != 201 {
		t.Fatalf("inbox = %d %s", r.status, r.body)
	}
	hook := `{"name":"media hook","url":"` + e.url + `/inbox/m","enabled":true,"actions":[{"action":"Create"},{"action":"Delete"}],"content_type_definitions":[{"content_type_definition_name":"_media"}]}`
	if r := e.do("POST", "/api/v1/content/_webhooks", hook); r.status != 200 {
		t.Fatalf("webhook = %d %s", r.status, r.body)
	}
	id := e.uploadFile("w.png", pngBytes(t, gradient(5, 5)), "image")["id"].(string)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.do("GET", "/api/v1/inboxes/m/requests", "")
		if data, _ := r.json(t)["data"].([]any); len(data) > 0 {
			reqID := data[0].(map[string]any)["id"].(string)
			one := string(e.do("GET", "/api/v1/inboxes/m/requests/"+reqID, "").body)
			if !strings.Contains(one, `\"contentTypeName\":\"_media\"`) || !strings.Contains(one, id) {
				t.Fatalf("delivery is not the upload's Create: %s", one)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Create delivery for the upload: %s", r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
