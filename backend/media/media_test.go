package media_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var mediaIDRe = regexp.MustCompile(`^_media-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUploadStoresFileAndObject(t *testing.T) {
	t.Parallel()
	e := setup(t)
	data := pngBytes(t, gradient(800, 600))
	obj := e.uploadFile("Photo One.PNG", data, "image")
	id, _ := obj["id"].(string)
	if !mediaIDRe.MatchString(id) {
		t.Fatalf("id %q is not _media-<uuid4>", id)
	}
	want := map[string]any{
		"fileName": "Photo One.PNG", "mimeType": "image/png", "size": float64(len(data)), "url": "/image/0x0/" + id + ".png",
		"source": "disk", "extension": "png", "type": "image", "width": float64(800), "height": float64(600), "externalId": "",
	}
	for k, v := range want {
		if obj[k] != v {
			t.Errorf("%s = %v, want %v", k, obj[k], v)
		}
	}
	if _, ok := obj["internal"]; ok {
		t.Error("the upload answer carries internal; Flotiq answers without it")
	}
	stored, err := os.ReadFile(filepath.Join(e.dir, "media", id))
	if err != nil || !bytes.Equal(stored, data) {
		t.Fatalf("stored file differs or is missing: %v", err)
	}
	// The object is an ordinary content object with a version.
	got := e.do("GET", "/api/v1/content/_media/"+id, "").json(t)
	if got["internal"].(map[string]any)["objectTitle"] != "Photo One.PNG" {
		t.Errorf("objectTitle = %v", got["internal"])
	}
	if r := e.do("GET", "/api/v1/content/_media/"+id+"/version", ""); r.status != 200 || r.json(t)["total_count"] != float64(1) {
		t.Errorf("versions = %d %s", r.status, r.body)
	}
	// The same bytes again get another id: an upload is always stored.
	again := e.uploadFile("Photo One.PNG", data, "image")
	if again["id"] == id {
		t.Error("a second upload reused the id")
	}
	// Filters work on media like on any type.
	r := e.do("GET", `/api/v1/content/_media?filters=`+strings.ReplaceAll(`{"mimeType":{"type":"equals","filter":"image/png"}}`, `"`, "%22"), "")
	if r.status != 200 || r.json(t)["total_count"] != float64(2) {
		t.Errorf("filtered list = %d %s", r.status, r.body)
	}
}

func TestServeOriginalAndCacheHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	data := jpegBytes(t, gradient(640, 480))
	obj := e.uploadFile("a.jpg", data, "image")
	url := obj["url"].(string)
	r := e.get(url)
	if r.status != 200 || !bytes.Equal(r.body, data) {
		t.Fatalf("GET %s = %d, %d bytes (want the original %d)", url, r.status, len(r.body), len(data))
	}
	if r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("ETag") == "" || !strings.Contains(r.header.Get("Cache-Control"), "max-age") {
		t.Errorf("headers = %v", r.header)
	}
	if r2 := e.get(url, "If-None-Match", r.header.Get("ETag")); r2.status != 304 {
		t.Errorf("If-None-Match = %d, want 304", r2.status)
	}
	// The SEO form names the same file.
	if r3 := e.get("/image/0x0/" + obj["id"].(string) + "/my-photo.jpg"); r3.status != 200 || !bytes.Equal(r3.body, data) {
		t.Errorf("SEO path = %d", r3.status)
	}
}

func TestResizeRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	obj := e.uploadFile("g.png", pngBytes(t, gradient(800, 600)), "image")
	id := obj["id"].(string)
	for _, c := range []struct {
		size string
		w, h int
	}{
		{"400x0", 400, 300},   // width alone keeps the ratio
		{"0x150", 200, 150},   // height alone too
		{"100x100", 100, 100}, // both: exact, cropped from the centre
		{"400x100", 400, 100},
		{"2000x0", 800, 600},    // never upscaled
		{"0x5000", 800, 600},    // never upscaled
		{"1600x1600", 600, 600}, // box larger than the image: shrinks, keeps its ratio
	} {
		r := e.get("/image/" + c.size + "/" + id + ".png")
		if r.status != 200 {
			t.Errorf("%s = %d %s", c.size, r.status, r.body)
			continue
		}
		if w, h := decodeSize(t, r.body); w != c.w || h != c.h {
			t.Errorf("%s gave %dx%d, want %dx%d", c.size, w, h, c.w, c.h)
		}
	}
	// A centre crop keeps the middle: the 100x100 of an 800x600 gradient
	// scaled to 133x100 has its middle column near red 128.
	r := e.get("/image/100x100/" + id + ".png")
	img, _, _ := decodeImage(r.body)
	red := img.At(50, 50)
	if rr, _, _, _ := red.RGBA(); rr>>8 < 110 || rr>>8 > 145 {
		t.Errorf("centre pixel red = %d, want about 128 (centre crop)", rr>>8)
	}
	// Renditions are cached on disk by size, and served from there again.
	cached := filepath.Join(e.dir, "media", "cache", "400x0", id)
	st1, err := os.Stat(cached)
	if err != nil {
		t.Fatalf("no cached rendition: %v", err)
	}
	r1 := e.get("/image/400x0/" + id + ".png")
	st2, _ := os.Stat(cached)
	if !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("the cached rendition was made again")
	}
	b, _ := os.ReadFile(cached)
	if !bytes.Equal(b, r1.body) {
		t.Error("served bytes are not the cached file")
	}
	if r1.header.Get("ETag") == "" || r1.header.Get("ETag") == e.get("/image/0x0/"+id+".png").header.Get("ETag") {
		t.Errorf("rendition ETag %q must differ from the original's", r1.header.Get("ETag"))
	}
}

func TestUnknownKeysAreJSON404(t *testing.T) {
	t.Parallel()
	e := setup(t)
	obj := e.uploadFile("x.png", pngBytes(t, gradient(10, 10)), "image")
	id := obj["id"].(string)
	// A record written through batch before its file exists (Flotiq's CLI
	// does that) is accepted, and its URL is a 404 until a file is there.
	batch := (`[{"id":"_media-448eab50-efc1-46ef-83f2-b910b8cc58e0","url":"/image/0x0/_media-448eab50-efc1-46ef-83f2-b910b8cc58e0.jpg","size":490013,"type":"image","width":1280,"height":718,"source":"disk","fileName":"_media-7a279806-381a-4043-b9f8-b257df70e303.jpg","mimeType":"image/jpeg","extension":"jpg","externalId":""}]`)
	if r := e.do("POST", "/api/v1/content/_media/batch?updateExisting=true", batch); r.status != 200 {
		t.Fatalf("batch = %d %s", r.status, r.body)
	}
	for _, path := range []string{
		"/image/0x0/_media-448eab50-efc1-46ef-83f2-b910b8cc58e0.jpg", // object without file
		"/image/0x0/_media-00000000-0000-4000-8000-000000000000.jpg", // no object
		"/image/0x0/" + id + ".jpg",                                  // wrong extension
		"/image/0x0/" + id,                                           // no extension
		"/image/0x0/../hookline.db",
		"/image/0x0/..%2fhookline.db",
		"/image/abc/" + id + ".png",
		"/image/",
		"/image/0x0/a/b/c/d",
	} {
		r := e.get(path)
		if r.status != 404 {
			t.Errorf("%s = %d, want 404", path, r.status)
			continue
		}
		if m := r.json(t); m["code"] != float64(404) || m["message"] != "Not found" {
			t.Errorf("%s answered %s", path, r.body)
		}
	}
}

func TestNonImagesAndSVG(t *testing.T) {
	t.Parallel()
	e := setup(t)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	obj := e.uploadFile("report.pdf", pdf, "file")
	if obj["mimeType"] != "application/pdf" || obj["extension"] != "pdf" || obj["width"] != float64(0) {
		t.Errorf("pdf object = %v", obj)
	}
	r := e.get("/image/0x0/" + obj["id"].(string) + ".pdf")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") || !bytes.Equal(r.body, pdf) {
		t.Errorf("pdf served %d with %v", r.status, r.header)
	}
	// A resize of a non-image is the file itself, still an attachment.
	if r := e.get("/image/100x0/" + obj["id"].(string) + ".pdf"); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("pdf at 100x0 = %d %v", r.status, r.header)
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>`)
	obj = e.uploadFile("evil.svg", svg, "image")
	if obj["mimeType"] != "image/svg+xml" {
		t.Fatalf("svg mimeType = %v", obj["mimeType"])
	}
	r = e.get("/image/0x0/" + obj["id"].(string) + ".svg")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Security-Policy"), "sandbox") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("svg served %d with %v", r.status, r.header)
	}
}

// bombPNG is a valid PNG signature and header claiming w×h pixels, followed
// by a tiny (truncated) image: DecodeConfig believes it, a decoder would
// allocate w×h×4 bytes.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestDecompressionBombIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	obj := e.uploadFile("bomb.png", bombPNG(60000, 60000), "image")
	if obj["width"] != float64(60000) {
		t.Fatalf("width = %v", obj["width"])
	}
	r := e.get("/image/200x0/" + obj["id"].(string) + ".png")
	if r.status != 400 || !strings.Contains(string(r.body), "too large to resize") {
		t.Errorf("bomb resize = %d %s", r.status, r.body)
	}
	// The original is still served as bytes, never decoded.
	if r := e.get("/image/0x0/" + obj["id"].(string) + ".png"); r.status != 200 {
		t.Errorf("bomb original = %d", r.status)
	}
}

// The stored mimeType and fileName can be edited through the content API;
// neither can make a file render inline or inject header parameters.
func TestEditedMetadataCannotMakeFilesInline(t *testing.T) {
	t.Parallel()
	e := setup(t)
	obj := e.uploadFile("x.png", pngBytes(t, gradient(8, 8)), "image")
	id := obj["id"].(string)
	for _, mt := range []string{"text/html", "image/svg+xml; charset=x", "application/xhtml+xml"} {
		obj["mimeType"] = mt
		obj["fileName"] = `evil.html"; filename=evil.html; x=`
		delete(obj, "internal")
		b, _ := json.Marshal(obj)
		if r := e.do("PUT", "/api/v1/content/_media/"+id, string(b)); r.status != 200 {
			t.Fatalf("PUT = %d %s", r.status, r.body)
		}
		r := e.get("/image/0x0/" + id + ".png")
		cd := r.header.Get("Content-Disposition")
		disp, params, err := mime.ParseMediaType(cd)
		if r.status != 200 || r.header.Get("Content-Type") != "application/octet-stream" || err != nil || disp != "attachment" || params["filename"] != obj["fileName"] || len(params) != 1 {
			t.Errorf("mimeType %q: %d %q %q %v %v", mt, r.status, r.header.Get("Content-Type"), cd, params, err)
		}
		if !strings.HasPrefix(r.header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("no sandbox CSP: %v", r.header)
		}
	}
}
