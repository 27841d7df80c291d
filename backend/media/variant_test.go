package media_test

import (
	"encoding/json"
	"image/color"
	"testing"
)

func TestVariantsTrimThenResize(t *testing.T) {
	t.Parallel()
	e := setup(t)
	src := gradient(200, 100)
	obj := e.uploadFile("v.png", pngBytes(t, src), "image")
	id := obj["id"].(string)
	put := func(variants string) {
		t.Helper()
		delete(obj, "internal")
		var v any
		json.Unmarshal([]byte(variants), &v)
		obj["variants"] = v
		b, _ := json.Marshal(obj)
		if r := e.do("PUT", "/api/v1/content/_media/"+id, string(b)); r.status != 200 {
			t.Fatalf("PUT variants = %d %s", r.status, r.body)
		}
	}
	put(`[{"name":"thumb","trim":{"top":10,"left":20,"width":50,"height":40}},{"name":"edges","trim":{"top":0,"left":0,"right":100,"bottom":50}}]`)
	base := "/image/%s/" + id + "/any-name.png/variant/"
	for _, c := range []struct {
		size, variant string
		w, h          int
	}{
		{"0x0", "thumb", 50, 40},
		{"25x0", "thumb", 25, 20},
		{"0x0", "THUMB", 50, 40}, // names match case-insensitively
		{"0x0", "edges", 100, 50},
		{"400x0", "edges", 100, 50}, // never upscaled
	} {
		r := e.get(sprintf(base, c.size) + c.variant)
		if r.status != 200 {
			t.Errorf("%s %s = %d %s", c.size, c.variant, r.status, r.body)
			continue
		}
		if w, h := decodeSize(t, r.body); w != c.w || h != c.h {
			t.Errorf("%s %s = %dx%d, want %dx%d", c.size, c.variant, w, h, c.w, c.h)
		}
	}
	// The trim is cut from the right place: the variant's first pixel is
	// the original's at (left, top).
	img, _, err := decodeImage(e.get(sprintf(base, "0x0") + "thumb").body)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := color.NRGBAModel.Convert(img.At(0, 0)), src.At(20, 10); got != want {
		t.Errorf("first pixel %v, want %v", got, want)
	}
	if r := e.get(sprintf(base, "0x0") + "nope"); r.status != 404 {
		t.Errorf("unknown variant = %d", r.status)
	}
	// Editing a variant's trim serves the new cut, not the cached old one.
	put(`[{"name":"thumb","trim":{"top":0,"left":0,"width":30,"height":30}}]`)
	if w, h := decodeSize(t, e.get(sprintf(base, "0x0")+"thumb").body); w != 30 || h != 30 {
		t.Errorf("edited variant = %dx%d, want 30x30", w, h)
	}
}
