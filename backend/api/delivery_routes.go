package api

import (
	"net/http"
	"strconv"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/errs"
	"hookline/backend/webhook"
)

// deliveryRoutes registers the cross-webhook execution-log API (the
// Deliveries screen) and "Send test". Like the per-webhook logs, these are
// Hookline's extension.
func (s *Server) deliveryRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /api/v1/webhooks/logs", s.authed, s.listAllLogs)
	s.handle(mux, "POST /api/v1/webhooks/logs/retry", s.authed, s.retryLogs)
	s.handle(mux, "POST /api/v1/webhooks/{webhookId}/test", s.authed, s.sendTest)
	s.handle(mux, "GET /api/ui/referrers/{type}/{id}", s.authed, s.referrers)
}

// logFilter reads a LogFilter from the query string.
func logFilter(r *http.Request) (delivery.LogFilter, error) {
	q := r.URL.Query()
	f := delivery.LogFilter{
		Status: q.Get("status"), WebhookID: q.Get("webhookId"), ContentType: q.Get("contentType"),
		Action: q.Get("action"), ObjectID: q.Get("objectId"), Q: q.Get("q"),
	}
	bad := errs.Fields{}
	if v := q.Get("responseCode"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad.Add("responseCode", "Must be an HTTP status code")
		}
		f.ResponseCode = n
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				bad.Add(p.name, "Must be a time in RFC 3339 form, e.g. 2026-01-02T15:04:05Z")
				continue
			}
			*p.dst = &t
		}
	}
	return f, bad.Err()
}

func (s *Server) listAllLogs(w http.ResponseWriter, r *http.Request) error {
	f, err := logFilter(r)
	if err != nil {
		return err
	}
	page, err := intParam(r, "page", 1, 0)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 50, 1000)
	if err != nil {
		return err
	}
	res, err := s.opts.Delivery.ListAllLogs(r.Context(), f, page, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewList(res.Items, res.Total, page, limit))
	return nil
}

// RetryRequest is the body of a bulk retry: the list's filters, and dryRun
// to count first.
type RetryRequest struct {
	delivery.LogFilter
	DryRun bool `json:"dryRun"`
}

func (s *Server) retryLogs(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var in RetryRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.opts.Delivery.RetryLogs(r.Context(), in.LogFilter, in.DryRun)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	if in.DryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}

func (s *Server) sendTest(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var in webhook.TestRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sum, err := s.opts.Trigger.SendTest(r.Context(), r.PathValue("webhookId"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, sum)
	return nil
}
