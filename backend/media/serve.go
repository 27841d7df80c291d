package media

import (
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/disintegration/imaging"

	"hookline/backend/errs"
)

// MaxSide bounds each requested dimension; nothing is upscaled anyway.
const MaxSide = 10000

// Rendition is a file ready to serve for GET /image/{w}x{h}/{key}.
type Rendition struct {
	Path        string
	ContentType string
	// FileName is the object's fileName, for Content-Disposition.
	FileName string
	ETag     string
	ModTime  time.Time
	// Attachment is true for anything a browser should not render inline
	// on the UI's origin (non-images).
	Attachment bool
	// Sandbox is true for SVG, which can carry script. (The HTTP handler
	// sends a CSP sandbox with every file anyway.)
	Sandbox bool
}

var sizeRe = regexp.MustCompile(`^(\d{1,5})x(\d{1,5})$`)

// ParseSize reads "{w}x{h}"; 0 means "keep the aspect ratio" (0x0 is the
// original).
func ParseSize(s string) (w, h int, err error) {
	m := sizeRe.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, errs.New(errs.NotFound, "Not found")
	}
	w, _ = strconv.Atoi(m[1])
	h, _ = strconv.Atoi(m[2])
	if w > MaxSide || h > MaxSide {
		return 0, 0, errs.InvalidField("size", "Width and height must be at most %d", MaxSide)
	}
	return w, h, nil
}

func notFound() error { return errs.New(errs.NotFound, "Not found") }

// Open finds the rendition of key ("<id>.<extension>") at w×h, making and
// caching it on first use. An unknown key, an extension that is not the
// object's, or an object without its file is "Not found".
func (s *Service) Open(ctx context.Context, w, h int, key string) (Rendition, error) {
	return s.open(ctx, w, h, key, "")
}

// OpenVariant is Open of one of the object's variants (spec §3.3): its trim
// is cut first, then the result is sized as Open sizes. An unknown variant
// name, or a variant of a file that is not a raster image, is "Not found".
func (s *Service) OpenVariant(ctx context.Context, w, h int, key, variant string) (Rendition, error) {
	if variant == "" {
		return Rendition{}, notFound()
	}
	return s.open(ctx, w, h, key, variant)
}

func (s *Service) open(ctx context.Context, w, h int, key, variant string) (Rendition, error) {
	dot := strings.LastIndexByte(key, '.')
	if dot < 0 || !ValidID(key[:dot]) {
		return Rendition{}, notFound()
	}
	id, ext := key[:dot], key[dot+1:]
	obj, err := s.content.Get(ctx, TypeName, id)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return Rendition{}, notFound()
		}
		return Rendition{}, err
	}
	id, _ = obj["id"].(string) // the stored spelling (ids match case-insensitively)
	if stored, _ := obj["extension"].(string); !strings.EqualFold(stored, ext) {
		return Rendition{}, notFound()
	}
	mimeType, _ := obj["mimeType"].(string)
	fileName, _ := obj["fileName"].(string)
	orig := s.Path(id)
	fi, err := os.Stat(orig)
	if err != nil {
		return Rendition{}, notFound()
	}
	r := Rendition{Path: orig, ContentType: mimeType, FileName: fileName, ModTime: fi.ModTime()}
	// The stored mimeType can be edited through the content API, so only
	// the exact types Hookline accepts are shown inline; anything else is
	// a download.
	switch {
	case mimeType == "image/svg+xml":
		r.Sandbox = true
	case !inline[mimeType]:
		r.Attachment = true
		r.ContentType = "application/octet-stream"
		if allowedServe[mimeType] {
			r.ContentType = mimeType
		}
	}
	// Flotiq's ETag is unspecified; files never change under an id (an
	// upload always gets a fresh one), so id, size and the file's time
	// identify the bytes.
	r.ETag = fmt.Sprintf(`"%s-%dx%d-%x"`, id, w, h, fi.ModTime().UnixNano())
	var cut *trim
	if variant != "" {
		t, ok := findVariant(obj, variant)
		if !ok || !rasters[mimeType] {
			return Rendition{}, notFound()
		}
		cut = &t
		r.ETag = fmt.Sprintf(`"%s-%dx%d-%s-%x"`, id, w, h, t.key(), fi.ModTime().UnixNano())
	}
	if (w == 0 && h == 0 && cut == nil) || !rasters[mimeType] {
		return r, nil
	}
	return s.rendition(r, id, mimeType, w, h, cut)
}

// inline are the types a browser may show in place.
var inline = map[string]bool{"image/gif": true, "image/png": true, "image/jpeg": true, "image/bmp": true, "image/webp": true, "image/x-icon": true, "image/svg+xml": true}

// allowedServe are the non-image types served with their own Content-Type
// (always as attachments).
var allowedServe = map[string]bool{"application/pdf": true, "application/json": true, "text/plain": true}

func (s *Service) rendition(r Rendition, id, mimeType string, w, h int, cut *trim) (Rendition, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return Rendition{}, notFound()
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return Rendition{}, errs.New(errs.Invalid, "The stored image cannot be decoded: %v", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > s.opts.MaxPixels {
		return Rendition{}, errs.New(errs.Invalid, "The image is too large to resize (%d×%d pixels; the limit is %d pixels). Use 0x0 for the original.", cfg.Width, cfg.Height, s.opts.MaxPixels)
	}
	tw, th, crop := target(cfg.Width, cfg.Height, w, h)
	if tw == cfg.Width && th == cfg.Height && !crop && cut == nil {
		return r, nil // nothing to do: never upscale
	}
	outType := mimeType
	if outType == "image/bmp" || outType == "image/webp" {
		outType = "image/png" // no encoder for these in the standard library or x/image
	}
	sizeDir := fmt.Sprintf("%dx%d", w, h)
	if cut != nil {
		sizeDir += "-" + cut.key() // the trim's values: an edited variant gets a new entry
	}
	cached := filepath.Join(s.opts.Dir, "cache", sizeDir, id)
	r.Path, r.ContentType = cached, outType
	if fi, err := os.Stat(cached); err == nil {
		r.ModTime = fi.ModTime()
		return r, nil
	}
	// Decoding is bounded in memory by MaxPixels and in number by Resizers.
	s.resize <- struct{}{}
	defer func() { <-s.resize }()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Rendition{}, err
	}
	img, err := imaging.Decode(f, imaging.AutoOrientation(true))
	if err != nil {
		return Rendition{}, errs.New(errs.Invalid, "The stored image cannot be decoded: %v", err)
	}
	if cut != nil {
		// Trim runs before resizing, on the upright pixels.
		img = imaging.Crop(img, cut.rect(img.Bounds()))
	}
	// Orientation may have swapped the sides; compute again on the pixels.
	b := img.Bounds()
	tw, th, crop = target(b.Dx(), b.Dy(), w, h)
	var out image.Image
	if w == 0 && h == 0 {
		out = img // a variant at 0x0: the trim alone
	} else if crop {
		out = imaging.Fill(img, tw, th, imaging.Center, imaging.Lanczos)
	} else {
		out = imaging.Resize(img, tw, th, imaging.Lanczos)
	}
	if err := writeAtomic(cached, func(wr io.Writer) error { return encode(wr, out, outType) }); err != nil {
		return Rendition{}, err
	}
	if fi, err := os.Stat(cached); err == nil {
		r.ModTime = fi.ModTime()
	}
	return r, nil
}

// target is the output size for a w×h request on an ow×oh image (spec
// §3.2). One side given scales the other; both given fill that box and crop
// the rest from the centre. Nothing is upscaled: a box larger than the image
// shrinks, keeping its aspect ratio, until it fits.
func target(ow, oh, w, h int) (tw, th int, crop bool) {
	switch {
	case h == 0:
		w = min(w, ow)
		return w, max(1, (oh*w+ow/2)/ow), false
	case w == 0:
		h = min(h, oh)
		return max(1, (ow*h+oh/2)/oh), h, false
	}
	if w > ow || h > oh {
		// Shrink the box to fit, keeping its ratio.
		f := min(float64(ow)/float64(w), float64(oh)/float64(h))
		w, h = max(1, int(float64(w)*f)), max(1, int(float64(h)*f))
	}
	return w, h, w != ow || h != oh
}

func encode(w io.Writer, img image.Image, mimeType string) error {
	switch mimeType {
	case "image/jpeg":
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
	case "image/gif":
		return gif.Encode(w, img, nil)
	default:
		return png.Encode(w, img)
	}
}

// writeAtomic writes path through a fsynced temporary file and a rename, so
// a reader never sees a partial file.
func writeAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return writeAtomicTemp(dir, fill, func(tmp string) error { return os.Rename(tmp, path) })
}
