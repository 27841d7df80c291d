package api

import (
	"net/http"
)

// Transfers runs the .flotiq import and export of the Settings screen; the
// app implements it (the status type is app's, so it is passed as any).
type Transfers interface {
	StartTransferAny(kind, dir string, keepWebhooks bool) (any, error)
	TransferStatusAny() any
}

// transferRoutes: POST /api/ui/transfer {"kind":"import"|"export","dir",
// "keepWebhooks"} starts one (202, its status), GET /api/ui/transfer
// answers the latest one's progress. Folders are paths on this machine, so
// only the UI session (never an API key) may start one.
func (s *Server) transferRoutes(mux *http.ServeMux, ui, authed func(http.Handler) http.Handler) {
	if s.opts.Transfers == nil {
		return
	}
	s.handle(mux, "GET /api/ui/transfer", authed, func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, s.opts.Transfers.TransferStatusAny())
		return nil
	})
	s.handle(mux, "POST /api/ui/transfer", ui, func(w http.ResponseWriter, r *http.Request) error {
		var body struct {
			Kind         string `json:"kind"`
			Dir          string `json:"dir"`
			KeepWebhooks bool   `json:"keepWebhooks"`
		}
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		st, err := s.opts.Transfers.StartTransferAny(body.Kind, body.Dir, body.KeepWebhooks)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusAccepted, st)
		return nil
	})
}
