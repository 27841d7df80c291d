package api

import "hookline/backend/events"

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
