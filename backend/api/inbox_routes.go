package api

import "net/http"

// inboxRoutes registers the inbox receiver and its management API.
func (s *Server) inboxRoutes(mux *http.ServeMux) {}
