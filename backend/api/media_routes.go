package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"unicode"

	"hookline/backend/auth"
	"hookline/backend/errs"
	"hookline/backend/media"
	"hookline/backend/settings"
)

// MediaConfig is the app's media settings, seen from the API.
type MediaConfig interface {
	MediaSettings(ctx context.Context) (settings.Media, error)
	SaveMediaSettings(ctx context.Context, m settings.Media) (settings.Media, error)
}

// mediaRoutes registers Flotiq's upload (POST /api/media, no /v1) and the
// public image route. /image needs no key, as on Flotiq, so that <img> tags
// of a site under development work; it serves only files of `_media`
// objects, by id.
func (s *Server) mediaRoutes(mux *http.ServeMux) {
	s.mediaRoutesWith(mux, s.authed)
	s.transferRoutes(mux, s.uiOnly, s.authed)
}

func (s *Server) mediaRoutesWith(mux *http.ServeMux, authed func(http.Handler) http.Handler) {
	if s.opts.Media == nil {
		return
	}
	s.handle(mux, "POST /api/media", authed, s.uploadMedia)
	s.handle(mux, "GET /api/ui/media-settings", authed, s.getMediaSettings)
	s.handle(mux, "PUT /api/ui/media-settings", authed, s.saveMediaSettings)
	open := func(h http.Handler) http.Handler { return h }
	s.handle(mux, "GET /image/{size}/{key}", open, s.serveImage)
	// The SEO form /image/{w}x{h}/{id}/{anyName}.{ext} (spec §3.1).
	s.handle(mux, "GET /image/{size}/{id}/{name}", open, s.serveImage)
	// A variant: /image/{w}x{h}/{id}/{fileName}.{ext}/variant/{name} (spec §3.1).
	s.handle(mux, "GET /image/{size}/{id}/{name}/variant/{variant}", open, s.serveImage)
	// Anything else under /image is a JSON 404, never the UI's page: Flotiq's
	// CLI takes any 2xx as "the file is there".
	s.handle(mux, "/image/", open, func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "Not found")
	})
}

// WindowHandler serves the media routes to the desktop window through the
// Wails asset server: the webview asks its own origin for /image/… and
// /api/media, and only the window can reach this handler (it is not on the
// network), so it acts with the read-write role, like the window's bound
// methods.
func (s *Server) WindowHandler() http.Handler {
	mux := http.NewServeMux()
	window := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(auth.WithRole(r.Context(), auth.ReadWrite)))
		})
	}
	s.mediaRoutesWith(mux, window)
	s.transferRoutes(mux, window, window)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "Not found"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	})
}

// uploadMedia is POST /api/media: multipart fields `file` (required),
// `type` (image|file, required) and `save` (ignored: the file is always
// stored, as Flotiq's CLI relies on). Fields may come in any order.
func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return errs.New(errs.Unsupported, "Unsupported Media Type")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return errs.InvalidField("file", "The body is not valid multipart/form-data: %v", err)
	}
	var staged *media.Staged
	defer func() { staged.Discard() }()
	var fileName, kind string
	kindSeen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errs.InvalidField("file", "The multipart body is malformed: %v", err)
		}
		switch part.FormName() {
		case "file":
			if staged != nil {
				return errs.InvalidField("file", "Send one file per request.")
			}
			fileName = cleanFileName(part.FileName())
			if staged, err = s.opts.Media.Stage(r.Context(), part); err != nil {
				return err
			}
		case "type":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			kind, kindSeen = strings.TrimSpace(string(b)), true
		default:
			_, _ = io.Copy(io.Discard, io.LimitReader(part, 1<<20))
		}
		part.Close()
	}
	f := errs.Fields{}
	if staged == nil {
		f.Add("file", "A file is required: send it in the multipart field \"file\".")
	}
	switch {
	case !kindSeen || kind == "":
		f.Add("type", "This value should not be blank: send \"image\" or \"file\" in the multipart field \"type\".")
	case kind != "image" && kind != "file":
		f.Add("type", "The value you selected is not a valid choice: \"image\" or \"file\".")
	}
	if err := f.Err(); err != nil {
		return err
	}
	obj, err := s.opts.Media.Commit(r.Context(), staged, fileName, kind)
	if err != nil {
		return err
	}
	delete(obj, "internal") // Flotiq answers _mediaWithoutInternal
	writeJSON(w, http.StatusOK, obj)
	return nil
}

// cleanFileName keeps the base name a client sent, without path parts or
// control characters, at most 200 characters.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}

func (s *Server) serveImage(w http.ResponseWriter, r *http.Request) error {
	width, height, err := media.ParseSize(r.PathValue("size"))
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if id := r.PathValue("id"); id != "" {
		key = id + path.Ext(r.PathValue("name"))
	}
	var rd media.Rendition
	if v := r.PathValue("variant"); v != "" {
		rd, err = s.opts.Media.OpenVariant(r.Context(), width, height, key, v)
	} else {
		rd, err = s.opts.Media.Open(r.Context(), width, height, key)
	}
	if err != nil {
		return err
	}
	f, err := os.Open(rd.Path)
	if err != nil {
		return errs.New(errs.NotFound, "Not found")
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", rd.ContentType)
	h.Set("ETag", rd.ETag)
	h.Set("Cache-Control", "public, max-age=86400")
	// Every file gets a sandboxing policy: an SVG can carry script, and a
	// file opened directly must not run anything on the UI's origin. It
	// does not affect <img> tags.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
	if rd.Attachment {
		cd := mime.FormatMediaType("attachment", map[string]string{"filename": rd.FileName})
		if cd == "" { // a name it cannot encode
			cd = "attachment"
		}
		h.Set("Content-Disposition", cd)
	}
	http.ServeContent(w, r, "", rd.ModTime, f)
	return nil
}

func (s *Server) getMediaSettings(w http.ResponseWriter, r *http.Request) error {
	m, err := s.opts.MediaConfig.MediaSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withDefault(m))
	return nil
}

func (s *Server) saveMediaSettings(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var m settings.Media
	if err := decodeJSON(r, &m); err != nil {
		return err
	}
	m, err := s.opts.MediaConfig.SaveMediaSettings(r.Context(), m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withDefault(m))
	return nil
}

// withDefault shows the cap in force when none is stored.
func withDefault(m settings.Media) settings.Media {
	if m.MaxUploadMB == 0 {
		m.MaxUploadMB = settings.DefaultMaxUploadMB
	}
	return m
}
