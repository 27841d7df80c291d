package api

import (
	"net/http"

	"hookline/backend/syncwebhook"
)

// syncWebhookRoutes registers the code webhook helpers: the editor's
// templates and Try it, a dry run against a saved object that saves and
// logs nothing. Try it runs code, so it needs the read-write key.
func (s *Server) syncWebhookRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /api/v1/webhooks/code/templates", s.authed, s.codeTemplates)
	s.handle(mux, "POST /api/v1/webhooks/code/try", s.authed, s.tryCode)
}

func (s *Server) codeTemplates(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, syncwebhook.Templates())
	return nil
}

func (s *Server) tryCode(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var in syncwebhook.TryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.opts.Sync.Try(r.Context(), s.content, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
