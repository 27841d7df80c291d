package api

import (
	"net/http"

	"hookline/backend/content"
	"hookline/backend/openapi"
)

// openAPIRoutes serves GET /api/v1/open-api-schema.json: the OpenAPI 3.1
// document of the current types, rebuilt on each request (types change
// rarely and the document is small). user_only=1 leaves out the system
// types and endpoints, as on Flotiq.
func (s *Server) openAPIRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /api/v1/open-api-schema.json", s.authed, func(w http.ResponseWriter, r *http.Request) error {
		defs, _, err := s.content.ListTypes(r.Context(), content.TypeQuery{Limit: 1 << 20})
		if err != nil {
			return err
		}
		maps := make([]map[string]any, len(defs))
		copy(maps, defs)
		writeJSON(w, http.StatusOK, openapi.Build(maps, openapi.Options{UserOnly: boolParam(r, "user_only")}))
		return nil
	})
}
