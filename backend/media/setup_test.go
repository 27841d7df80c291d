package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"hookline/backend/app"

	"hookline/backend/store/pgtest"
)

const testKey = "media-test-key-0123456789abcdef"

// env is a whole Hookline (app.Open + Start, as `hookline serve`) on a
// temporary data folder and a random loopback port.
type env struct {
	// dbURL is the PostgreSQL schema of the run, or "" for SQLite; a
	// restart reopens the same one.
	dbURL string
	t     *testing.T
	dir   string
	url   string
	main  *app.Main
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), dbURL: pgtest.DatabaseURL(t)}
	e.start()
	return e
}

func (e *env) start() {
	e.t.Helper()
	ui := fstest.MapFS{"index.html": {Data: []byte("<html><head></head><body>the UI</body></html>")}}
	cfg := app.Config{Mode: "serve", DataDir: e.dir, Addr: "127.0.0.1:0", APIKey: testKey, Workers: 1, DatabaseURL: e.dbURL}
	m, err := app.Open(context.Background(), cfg, ui, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		m.Close(context.Background())
		e.t.Fatal(err)
	}
	e.main, e.url = m, m.URL()
	e.t.Cleanup(func() { m.Close(context.Background()) })
}

func (e *env) restart() {
	e.t.Helper()
	if err := e.main.Close(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.start()
}

// res is an HTTP answer, read whole.
type res struct {
	status int
	header http.Header
	body   []byte
}

func (r res) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %.200s", r.status, err, r.body)
	}
	return m
}

func (e *env) send(req *http.Request) res {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res{resp.StatusCode, resp.Header, b}
}

// do sends a JSON request with the API key.
func (e *env) do(method, path, body string) res {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	req.Header.Set("X-AUTH-TOKEN", testKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.send(req)
}

// get fetches path without a key (as an <img> tag does).
func (e *env) get(path string, hdr ...string) res {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(req)
}

// part is one multipart field; file parts have a fileName.
type part struct {
	name, fileName, contentType string
	data                        []byte
}

func (e *env) upload(parts ...part) res {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.fileName == "" {
			mw.WriteField(p.name, string(p.data))
			continue
		}
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + p.name + `"; filename="` + p.fileName + `"`}
		ct := p.contentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h["Content-Type"] = []string{ct}
		w, _ := mw.CreatePart(h)
		w.Write(p.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+"/api/media", &buf)
	req.Header.Set("X-AUTH-TOKEN", testKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.send(req)
}

// uploadFile uploads data as an image (type=image) and returns the object.
func (e *env) uploadFile(fileName string, data []byte, kind string) map[string]any {
	e.t.Helper()
	r := e.upload(part{name: "type", data: []byte(kind)}, part{name: "file", fileName: fileName, contentType: "image/png", data: data})
	if r.status != 200 {
		e.t.Fatalf("upload %s = %d %s", fileName, r.status, r.body)
	}
	return r.json(e.t)
}

// mediaFiles lists the files directly in the media folder (not the cache).
func (e *env) mediaFiles() []string {
	e.t.Helper()
	ents, err := os.ReadDir(filepath.Join(e.dir, "media"))
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, x := range ents {
		if !x.IsDir() {
			out = append(out, x.Name())
		}
	}
	return out
}

func (e *env) mediaCount() int {
	e.t.Helper()
	r := e.do("GET", "/api/v1/content/_media?limit=1", "")
	if r.status != 200 {
		e.t.Fatalf("list _media = %d %s", r.status, r.body)
	}
	return int(r.json(e.t)["total_count"].(float64))
}

// gradient is a w×h image with distinct pixels, so crops are visible.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

func pngBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decodeSize(t *testing.T, b []byte) (int, int) {
	t.Helper()
	c, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not an image: %v (%.100q)", err, b)
	}
	return c.Width, c.Height
}

func decodeImage(b []byte) (image.Image, string, error) { return image.Decode(bytes.NewReader(b)) }

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
