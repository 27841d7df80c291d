package media_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"
)

// Every refused upload leaves the media folder and the `_media` table as
// they were.
func TestUploadBadInput(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if r := e.do("PUT", "/api/ui/media-settings", `{"maxUploadMB":1}`); r.status != 200 {
		t.Fatalf("save settings = %d %s", r.status, r.body)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("hello ", 100)))
	zw.Close()
	big := make([]byte, 1_500_000)
	copy(big, pngBytes(t, gradient(4, 4)))
	img := part{name: "file", fileName: "a.png", data: pngBytes(t, gradient(4, 4))}
	typ := part{name: "type", data: []byte("image")}
	cases := []struct {
		name   string
		parts  []part
		field  string
		substr string
	}{
		{"no file", []part{typ}, "file", "A file is required"},
		{"no type", []part{img}, "type", "should not be blank"},
		{"bad type", []part{{name: "type", data: []byte("video")}, img}, "type", "not a valid choice"},
		{"empty file", []part{typ, {name: "file", fileName: "e.png", data: nil}}, "file", "empty file"},
		{"over the cap", []part{typ, {name: "file", fileName: "big.png", data: big}}, "file", "The file is too large (1.50 MB). Allowed maximum size is 1 MB."},
		{"gzip", []part{typ, {name: "file", fileName: "x.png", contentType: "image/png", data: gz.Bytes()}}, "file", `The mime type of the file is invalid ("application/gzip"). Allowed mime types are "image/gif", "image/png"`},
		{"html named png", []part{typ, {name: "file", fileName: "x.png", contentType: "image/png", data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}}, "file", `("text/html")`},
		{"two files", []part{typ, img, img}, "file", "one file"},
	}
	for _, c := range cases {
		r := e.upload(c.parts...)
		if r.status != 400 {
			t.Errorf("%s: status %d, want 400 (%s)", c.name, r.status, r.body)
			continue
		}
		msgs, _ := r.json(t)[c.field].([]any)
		if len(msgs) == 0 || !strings.Contains(msgs[0].(string), c.substr) {
			t.Errorf("%s: answer %s, want %s containing %q", c.name, r.body, c.field, c.substr)
		}
	}
	// Not multipart at all: Flotiq's 415.
	r := e.do("POST", "/api/media", `{"file":"x"}`)
	if r.status != 415 || r.json(t)["message"] != "Unsupported Media Type" {
		t.Errorf("JSON body = %d %s", r.status, r.body)
	}
	// Multipart declared but broken.
	req, _ := http.NewRequest("POST", e.url+"/api/media", strings.NewReader("--x\r\nnot a part"))
	req.Header.Set("X-AUTH-TOKEN", testKey)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if r := e.send(req); r.status != 400 {
		t.Errorf("broken multipart = %d %s", r.status, r.body)
	}
	// No key: 401, read-only semantics are the API's.
	req, _ = http.NewRequest("POST", e.url+"/api/media", strings.NewReader(""))
	if r := e.send(req); r.status != 401 {
		t.Errorf("no key = %d", r.status)
	}
	if files := e.mediaFiles(); len(files) != 0 {
		t.Errorf("refused uploads left files: %v", files)
	}
	if n := e.mediaCount(); n != 0 {
		t.Errorf("refused uploads left %d objects", n)
	}
	// The cap is a setting: bad values are refused, and it applies at once.
	if r := e.do("PUT", "/api/ui/media-settings", `{"maxUploadMB":5000}`); r.status != 400 {
		t.Errorf("cap 5000 = %d %s", r.status, r.body)
	}
	e.do("PUT", "/api/ui/media-settings", `{"maxUploadMB":2}`)
	if r := e.upload(typ, part{name: "file", fileName: "big.png", data: big}); r.status != 200 {
		t.Errorf("1.5 MB under a 2 MB cap = %d %s", r.status, r.body)
	}
}
