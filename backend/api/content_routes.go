package api

import "net/http"

// contentRoutes registers the Flotiq-compatible content endpoints.
func (s *Server) contentRoutes(mux *http.ServeMux) {}
