package api

import (
	"net/http"

	"hookline/backend/delivery"
	"hookline/backend/webhook"
)

// webhookRoutes registers Hookline's execution-log API (an extension:
// Flotiq documents none) and the UI-only Custom trigger. Webhook
// definitions themselves are `_webhooks` objects served by contentRoutes.
func (s *Server) webhookRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /api/v1/webhooks/last-status", s.authed, s.lastStatus)
	s.handle(mux, "GET /api/v1/webhooks/{webhookId}/logs", s.authed, s.listLogs)
	s.handle(mux, "GET /api/v1/webhooks/{webhookId}/logs/{logId}", s.authed, s.getLog)
	s.handle(mux, "POST /api/v1/webhooks/{webhookId}/logs/{logId}/redeliver", s.authed, s.redeliver)
	s.handle(mux, "POST /api/ui/custom", s.uiOnly, s.triggerCustom)
}

// webhookID resolves the path's webhook to its stored id, so that an
// unknown webhook is a 404 rather than an empty list.
func (s *Server) webhookID(r *http.Request) (string, error) {
	obj, err := s.content.Get(r.Context(), webhook.TypeName, r.PathValue("webhookId"))
	if err != nil {
		return "", err
	}
	id, _ := obj["id"].(string)
	return id, nil
}

func (s *Server) lastStatus(w http.ResponseWriter, r *http.Request) error {
	last, err := s.opts.Trigger.LastStatus(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, last)
	return nil
}

func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) error {
	id, err := s.webhookID(r)
	if err != nil {
		return err
	}
	page, err := intParam(r, "page", 1, 0)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 20, 1000)
	if err != nil {
		return err
	}
	res, err := s.opts.Delivery.ListLogs(r.Context(), id, delivery.LogQuery{Page: page, Limit: limit, Status: r.URL.Query().Get("status")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewList(res.Items, res.Total, page, limit))
	return nil
}

func (s *Server) getLog(w http.ResponseWriter, r *http.Request) error {
	id, err := s.webhookID(r)
	if err != nil {
		return err
	}
	d, err := s.opts.Delivery.GetLog(r.Context(), id, r.PathValue("logId"))
	if err != nil {
		return err
	}
	maskLog(r, &d)
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	id, err := s.webhookID(r)
	if err != nil {
		return err
	}
	sum, err := s.opts.Delivery.Redeliver(r.Context(), id, r.PathValue("logId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, sum)
	return nil
}

// CustomRequest asks for a Custom delivery of a saved object.
type CustomRequest struct {
	WebhookID   string `json:"webhookId"`
	ContentType string `json:"contentType"`
	ObjectID    string `json:"objectId"`
}

func (s *Server) triggerCustom(w http.ResponseWriter, r *http.Request) error {
	var in CustomRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sum, err := s.opts.Trigger.Custom(r.Context(), in.WebhookID, in.ContentType, in.ObjectID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, sum)
	return nil
}
