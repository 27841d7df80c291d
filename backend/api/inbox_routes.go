package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"hookline/backend/errs"
	"hookline/backend/inbox"
)

// inboxRoutes registers the inbox receiver and its management API.
//
// The receiver takes any method and needs no key: the senders it exists for
// (webhooks, curl) have none. Everything under /api/v1/inboxes is authed like
// the rest of the API.
func (s *Server) inboxRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/inbox/{name}", s.handleReceive)
	mux.HandleFunc("/inbox/{name}/{rest...}", s.handleReceive)

	h := func(pattern string, fn handlerFunc) {
		s.handle(mux, pattern, func(next http.Handler) http.Handler { return s.authed(s.needInbox(next)) }, fn)
	}
	h("GET /api/v1/inboxes", s.listInboxes)
	h("POST /api/v1/inboxes", s.createInbox)
	h("GET /api/v1/inboxes/{name}", s.getInbox)
	h("PUT /api/v1/inboxes/{name}", s.updateInbox)
	h("DELETE /api/v1/inboxes/{name}", s.deleteInbox)
	h("GET /api/v1/inboxes/{name}/requests", s.listInboxRequests)
	h("DELETE /api/v1/inboxes/{name}/requests", s.clearInbox)
	h("GET /api/v1/inboxes/{name}/requests/{id}", s.getInboxRequest)
	h("POST /api/v1/inboxes/{name}/requests/{id}/replay", s.replayInboxRequest)
}

// needInbox answers 503 when the server was built without an inbox service,
// rather than crashing on the nil.
func (s *Server) needInbox(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.inbox == nil {
			s.writeError(w, r, errs.New(errs.Unavailable, "inboxes are not available in this build"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// handleReceive records a request and answers with the inbox's script. The
// scripted delay ends early when the sender hangs up or the server shuts
// down (both cancel the request context); the request then shows as
// abandoned, and a sender still listening gets a 503 rather than the
// implicit 200 of a handler that writes nothing.
func (s *Server) handleReceive(w http.ResponseWriter, r *http.Request) {
	if s.inbox == nil {
		s.writeError(w, r, errs.New(errs.Unavailable, "inboxes are not available in this build"))
		return
	}
	name := r.PathValue("name")
	start := time.Now()
	resp, err := s.inbox.Receive(r.Context(), name, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if resp.DelayMs > 0 {
		t := time.NewTimer(time.Duration(resp.DelayMs) * time.Millisecond)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			if err := s.inbox.Abandon(context.WithoutCancel(r.Context()), name, resp.RequestID, time.Since(start)); err != nil {
				s.log.Warn("inbox: could not mark a request abandoned", slog.String("inbox", name), slog.Any("err", err))
			}
			http.Error(w, "the request ended before the scripted delay did", http.StatusServiceUnavailable)
			return
		}
	}
	h := w.Header()
	// Never active content on the UI's origin: see inbox.WriteAnswerHeaders.
	inbox.WriteAnswerHeaders(h, resp)
	// Lets a sender (or a test) find its request in the inbox.
	h.Set("Hookline-Request-Id", resp.RequestID)
	w.WriteHeader(resp.Status)
	_, _ = io.WriteString(w, resp.Body)
}

func (s *Server) listInboxes(w http.ResponseWriter, r *http.Request) error {
	out, err := s.inbox.List(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createInbox(w http.ResponseWriter, r *http.Request) error {
	var in inbox.Input
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.inbox.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inboxes/"+out.Name)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getInbox(w http.ResponseWriter, r *http.Request) error {
	out, err := s.inbox.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateInbox(w http.ResponseWriter, r *http.Request) error {
	var in inbox.Input
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.inbox.Update(r.Context(), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteInbox(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := s.inbox.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listInboxRequests(w http.ResponseWriter, r *http.Request) error {
	page, err := intParam(r, "page", 1, 0)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 20, inbox.DefaultMaxRequests)
	if err != nil {
		return err
	}
	items, total, err := s.inbox.ListRequests(r.Context(), r.PathValue("name"), page, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewList(items, total, page, limit))
	return nil
}

func (s *Server) getInboxRequest(w http.ResponseWriter, r *http.Request) error {
	out, err := s.inbox.GetRequest(r.Context(), r.PathValue("name"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) clearInbox(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := s.inbox.Clear(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// replayInboxRequest answers 200 whenever the replay was attempted, even if
// the target could not be reached: that outcome is in the result's error,
// next to how long it took, as for any other answer the target gave.
func (s *Server) replayInboxRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		URL string `json:"url"`
	}
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.inbox.Replay(r.Context(), r.PathValue("name"), r.PathValue("id"), in.URL)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
