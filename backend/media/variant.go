package media

import (
	"fmt"
	"image"
	"strings"
)

// trim is a variant's cut (spec §3.3), in one of Flotiq's two modes: a box
// (top, left, width, height) or pixels cut from each edge (top, right,
// bottom, left).
type trim struct {
	box                      bool
	top, left, right, bottom int
	width, height            int
}

// findVariant returns the trim of the object's variant called name
// (case-insensitively, as names are unique so). A variant without a trim
// is the whole image.
func findVariant(obj map[string]any, name string) (trim, bool) {
	vs, _ := obj["variants"].([]any)
	for _, v := range vs {
		m, _ := v.(map[string]any)
		if n, _ := m["name"].(string); !strings.EqualFold(n, name) {
			continue
		}
		t := trim{}
		tm, _ := m["trim"].(map[string]any)
		num := func(k string) int {
			f, _ := tm[k].(float64)
			return max(0, int(f))
		}
		t.top, t.left, t.right, t.bottom = num("top"), num("left"), num("right"), num("bottom")
		t.width, t.height = num("width"), num("height")
		t.box = t.width > 0 && t.height > 0
		return t, true
	}
	return trim{}, false
}

// rect is the part of b the trim keeps, never empty and never outside b.
func (t trim) rect(b image.Rectangle) image.Rectangle {
	var r image.Rectangle
	if t.box {
		r = image.Rect(b.Min.X+t.left, b.Min.Y+t.top, b.Min.X+t.left+t.width, b.Min.Y+t.top+t.height)
	} else {
		r = image.Rect(b.Min.X+t.left, b.Min.Y+t.top, b.Max.X-t.right, b.Max.Y-t.bottom)
	}
	r = r.Intersect(b)
	if r.Empty() {
		return b
	}
	return r
}

// key names the trim in cache paths and ETags.
func (t trim) key() string {
	if t.box {
		return fmt.Sprintf("b%d_%d_%d_%d", t.top, t.left, t.width, t.height)
	}
	return fmt.Sprintf("e%d_%d_%d_%d", t.top, t.right, t.bottom, t.left)
}
