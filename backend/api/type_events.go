package api

import (
	"net/http"

	"hookline/backend/events"
)

// typeChanged tells open screens that a type definition was created,
// changed or deleted through the REST API (a script), so type lists update
// live. It rides on the "content" event the screens already follow, with
// "definition" saying what happened.
func (s *Server) typeChanged(name, how string) {
	if s.opts.Bus == nil {
		return
	}
	s.opts.Bus.Publish(events.Event{Type: "content", Data: map[string]string{"contentType": name, "definition": how}})
}

// referrers names the live objects that relate to one object, for the
// editor's "This content object is used in blogpost-123 (Hello webhooks)."
// Flotiq's own refusal is a fixed sentence, which the API keeps.
func (s *Server) referrers(w http.ResponseWriter, r *http.Request) error {
	refs, total, err := s.content.Referrers(r.Context(), r.PathValue("type"), r.PathValue("id"), 10)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "data": refs})
	return nil
}
