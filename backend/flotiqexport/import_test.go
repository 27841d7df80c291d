package flotiqexport_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A refusal anywhere leaves nothing: no type, no object, no media file.
func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	src := fixture(t, nil)
	// The second post lacks its required title.
	p := filepath.Join(src, "ContentTypeBlogPost", "contentObjectBlogPost.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), `"title":"Second"`, `"body":"no title"`, 1)), 0o600)
	m := openApp(t)
	_, err := m.Import(context.Background(), src, false)
	if err == nil || !strings.Contains(err.Error(), "blog_post-2") {
		t.Fatalf("import = %v, want a refusal naming blog_post-2", err)
	}
	if _, body := get(t, m, "/api/v1/internal/contenttype?internal=0"); !strings.Contains(string(body), `"total_count":0`) {
		t.Errorf("types left behind: %s", body)
	}
	for _, typ := range []string{"_media", "_tag", "_webhooks"} {
		if _, body := get(t, m, "/api/v1/content/"+typ); !strings.Contains(string(body), `"total_count":0`) {
			t.Errorf("%s objects left behind: %s", typ, body)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(m.Config.DataDir, "media"))
	for _, e := range ents {
		if !e.IsDir() {
			t.Errorf("media file left behind: %s", e.Name())
		}
	}
	if st := m.TransferStatus(); st.Running || st.Error == "" {
		t.Errorf("status after a refused import = %+v", st)
	}
	// A missing image file refuses the import too, and so does a second
	// import over types that now exist.
	src2 := fixture(t, nil)
	os.Remove(filepath.Join(src2, "InternalContentTypeMedia", "_media-5c2d8f3a-7e41-4b0b-8c6d-3f9e2a1b7c02.jpg"))
	if _, err := m.Import(context.Background(), src2, false); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("import without a file = %v", err)
	}
	if _, err := m.Import(context.Background(), fixture(t, nil), false); err != nil {
		t.Fatalf("clean import: %v", err)
	}
	if _, err := m.Import(context.Background(), fixture(t, nil), false); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("second import = %v", err)
	}
	// An export never writes into a folder that has files.
	if _, err := m.Export(context.Background(), src2); err == nil {
		t.Error("export into a non-empty folder succeeded")
	}
	if _, err := m.Import(context.Background(), "relative/dir", false); err == nil {
		t.Error("a relative folder was accepted")
	}
}

// Asked to, an import lets webhooks fire for what it creates.
func TestImportKeepWebhooks(t *testing.T) {
	t.Parallel()
	m := openApp(t)
	// A webhook this Hookline had before, on every type.
	req, _ := http.NewRequest("POST", m.URL()+"/api/v1/content/_webhooks", strings.NewReader(`{"id":"_webhooks-1","name":"all","url":"http://127.0.0.1:9/x","enabled":true,"actions":[{"action":"Create"}]}`))
	req.Header.Set("X-AUTH-TOKEN", key)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("create webhook: %v %v", err, res)
	}
	if _, err := m.Import(context.Background(), fixture(t, nil), true); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, logs := get(t, m, "/api/v1/webhooks/_webhooks-1/logs")
		if !strings.Contains(string(logs), `"total_count":0`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no delivery queued with keepWebhooks: %s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// By default an import queues nothing, while the webhook itself works: the
// one delivery seen afterwards is for a change made after the import.
func TestImportSilencesWebhooks(t *testing.T) {
	t.Parallel()
	m := openApp(t)
	post := func(path, body string) {
		req, _ := http.NewRequest("POST", m.URL()+path, strings.NewReader(body))
		req.Header.Set("X-AUTH-TOKEN", key)
		req.Header.Set("Content-Type", "application/json")
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
			t.Fatalf("POST %s: %v %v", path, err, res)
		}
	}
	post("/api/v1/content/_webhooks", `{"id":"_webhooks-1","name":"all","url":"http://127.0.0.1:9/x","enabled":true,"actions":[{"action":"Create"},{"action":"Update"}]}`)
	if _, err := m.Import(context.Background(), fixture(t, nil), false); err != nil {
		t.Fatal(err)
	}
	post("/api/v1/content/author", `{"id":"author-after","name":"After"}`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, logs := get(t, m, "/api/v1/webhooks/_webhooks-1/logs")
		if !strings.Contains(string(logs), `"total_count":0`) {
			if !strings.Contains(string(logs), `"total_count":1,`) || !strings.Contains(string(logs), "author-after") {
				t.Fatalf("deliveries = %s, want only the one for author-after", logs)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhook never fired: %s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Flotiq accepts webhooks with relative URLs; Hookline leaves those out,
// says so, and imports the rest.
func TestImportLeavesOutWebhooksHooklineRefuses(t *testing.T) {
	t.Parallel()
	src := fixture(t, nil)
	p := filepath.Join(src, "InternalContentTypeWebhooks", "contentObjectWebhooks.json")
	b, _ := os.ReadFile(p)
	b = append(b, []byte("\n"+`{"id":"_webhooks-2","name":"Revalidate","url":"/revalidate","enabled":true,"actions":[{"action":"Create"}]}`)...)
	os.WriteFile(p, b, 0o600)
	m := openApp(t)
	st, err := m.Import(context.Background(), src, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Skipped) != 1 || !strings.Contains(st.Skipped[0], "_webhooks-2") || !strings.Contains(st.Skipped[0], "url") {
		t.Errorf("skipped = %v", st.Skipped)
	}
	if status, _ := get(t, m, "/api/v1/content/_webhooks/_webhooks-2"); status != 404 {
		t.Errorf("the refused webhook was imported: %d", status)
	}
	if status, _ := get(t, m, "/api/v1/content/_webhooks/_webhooks-167011"); status != 200 {
		t.Errorf("the valid webhook is missing: %d", status)
	}
}
