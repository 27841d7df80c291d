package api

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"hookline/backend/errs"
	"hookline/backend/settings"
)

// handleFrontend serves the built UI. index.html gets the per-launch session
// token in a meta tag: only our own origin can read the page (no CORS, Host
// checked), so only our own page learns the token.
func (s *Server) handleFrontend(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	fsys := s.opts.Frontend
	if fsys == nil {
		http.Error(w, "frontend not built", http.StatusNotFound)
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name != "" && name != "index.html" {
		if f, err := fs.Stat(fsys, name); err == nil && !f.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			http.ServeFileFS(w, r, fsys, name)
			return
		}
	}
	// Every other path is a client-side route: answer with the app.
	page, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		http.Error(w, "frontend not built", http.StatusNotFound)
		return
	}
	// Only a browser on this machine that asked for a loopback name gets
	// the token: a browser elsewhere, or a page reaching us through another
	// allowed name, signs in with an API key instead.
	if localPage(r) {
		meta := `<meta name="hookline-session" content="` + html.EscapeString(s.opts.Keys.Session()) + `">`
		page = bytes.Replace(page, []byte("<head>"), []byte("<head>\n    "+meta), 1)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", uiCSP)
	_, _ = w.Write(page)
}

// uiCSP is the UI page's policy. Scripts come only from our own files (no
// inline script, no eval), and nothing may frame the page. style-src needs
// 'unsafe-inline': CodeMirror injects its styles as <style> elements at run
// time, and Svelte sets style attributes; styles cannot run script.
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	info := map[string]any{}
	if s.opts.Info != nil {
		info = s.opts.Info()
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) handleKeys(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.opts.Keys.Current())
	return nil
}

func (s *Server) handleRegenerateKey(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	ks, err := s.opts.Keys.Regenerate(r.Context(), r.PathValue("which"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ks)
	return nil
}

// handleEvents streams bus events as Server-Sent Events until the client
// goes away or the server shuts down.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, cancel := s.opts.Bus.Subscribe(512)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": connected\n\n"))
	fl.Flush()
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			_, _ = w.Write([]byte(": ping\n\n"))
			fl.Flush()
		case e, ok := <-ch:
			if !ok {
				return
			}
			b, err := json.Marshal(e.Data)
			if err != nil {
				continue
			}
			_, _ = w.Write([]byte("event: " + e.Type + "\ndata: "))
			_, _ = w.Write(b)
			_, _ = w.Write([]byte("\n\n"))
			fl.Flush()
		}
	}
}

func (s *Server) handleLoadDemo(w http.ResponseWriter, r *http.Request) error {
	if s.opts.LoadDemo == nil {
		return errs.New(errs.Unavailable, "the demo is not available here")
	}
	res, err := s.opts.LoadDemo(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// SettingsStore is the app's settings service, seen from the API.
type SettingsStore interface {
	Settings(ctx context.Context) (settings.View, error)
	SaveSettings(ctx context.Context, d settings.Delivery) (settings.View, error)
}

func (s *Server) handleGetSettings(w http.ResponseWriter, r *http.Request) error {
	v, err := s.opts.Settings.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) handleSaveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var d settings.Delivery
	if err := decodeJSON(r, &d); err != nil {
		return err
	}
	v, err := s.opts.Settings.SaveSettings(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
