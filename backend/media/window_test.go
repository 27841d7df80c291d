package media_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The desktop window reaches the media routes through the Wails asset
// server's handler, on its own origin and without credentials; that handler
// serves them (and nothing else) for the window.
func TestWindowHandler(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.main.Server.WindowHandler()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("type", "image")
	fw, _ := mw.CreateFormFile("file", "w.png")
	fw.Write(pngBytes(t, gradient(30, 20)))
	mw.Close()
	req := httptest.NewRequest("POST", "/api/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("window upload = %d %s", rec.Code, rec.Body)
	}
	var obj map[string]any
	json.Unmarshal(rec.Body.Bytes(), &obj)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/image/15x0/"+obj["id"].(string)+".png", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("window image = %d %v", rec.Code, rec.Header())
	}
	if w, h := decodeSize(t, rec.Body.Bytes()); w != 15 || h != 10 {
		t.Errorf("window rendition %dx%d", w, h)
	}
	for _, path := range []string{"/api/v1/content/_media", "/api/ui/keys", "/index.html"} {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Not found") {
			t.Errorf("window %s = %d %s, want only media routes", path, rec.Code, rec.Body)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/ui/media-settings", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"maxUploadMB":10`) {
		t.Errorf("window media settings = %d %s", rec.Code, rec.Body)
	}
	// The same start of a transfer over the network needs the UI session,
	// never an API key: folder paths are local.
	req, _ = http.NewRequest("POST", e.url+"/api/ui/transfer", strings.NewReader(`{"kind":"export","dir":"/tmp/x"}`))
	req.Header.Set("X-AUTH-TOKEN", testKey)
	req.Header.Set("Content-Type", "application/json")
	if r := e.send(req); r.status != 403 {
		t.Errorf("transfer with an API key = %d %s", r.status, r.body)
	}
}
