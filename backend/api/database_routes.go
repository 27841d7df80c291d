package api

import (
	"net/http"
)

// databaseRoutes are Settings' database choice. Only the app's own UI may
// use them, never an API key: the answer names the database, and a saved
// URL would send the next start's content (and its API keys) wherever the
// caller likes.
//
//	GET    /api/ui/database       the running database and the saved choice
//	POST   /api/ui/database/test  {"url"}: connect and look, change nothing
//	PUT    /api/ui/database       {"url"}: test, then save for the next start
//	DELETE /api/ui/database       SQLite again from the next start
func (s *Server) databaseRoutes(mux *http.ServeMux) {
	if s.opts.Database == nil {
		return
	}
	d := s.opts.Database
	s.handle(mux, "GET /api/ui/database", s.uiOnly, func(w http.ResponseWriter, r *http.Request) error {
		v, err := d.Current()
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	})
	s.handle(mux, "POST /api/ui/database/test", s.uiOnly, func(w http.ResponseWriter, r *http.Request) error {
		u, err := decodeURL(r)
		if err != nil {
			return err
		}
		res, err := d.Test(r.Context(), u)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	})
	s.handle(mux, "PUT /api/ui/database", s.uiOnly, func(w http.ResponseWriter, r *http.Request) error {
		u, err := decodeURL(r)
		if err != nil {
			return err
		}
		v, err := d.Save(r.Context(), u)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	})
	s.handle(mux, "DELETE /api/ui/database", s.uiOnly, func(w http.ResponseWriter, r *http.Request) error {
		v, err := d.Clear()
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	})
}

// decodeURL reads the {"url"} body of the test and save routes.
func decodeURL(r *http.Request) (string, error) {
	var body struct {
		URL string `json:"url"`
	}
	err := decodeJSON(r, &body)
	return body.URL, err
}
