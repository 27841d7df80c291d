package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/errs"
	"hookline/backend/jsonlimit"
)

// MaxBody is the largest JSON body accepted (an object over 1 MB is refused
// with 413, as the content issue asks).
const MaxBody = 1 << 20

// StatusOf is the one place where error codes become HTTP statuses; the
// desktop bindings use it too, so both transports report the same status.
func StatusOf(code string) int {
	switch code {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.PreconditionFailed:
		return http.StatusPreconditionFailed
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers with err. Validation errors use Flotiq's flat
// {"field":["message"]} map; everything else is {"code","message"}. Errors
// that are not *errs.Error are logged in full and shown as "Internal error.".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := errs.CodeOf(err)
	status := StatusOf(code)
	if code == errs.Internal {
		s.log.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if fields := errs.FieldsOf(err); code == errs.Invalid && len(fields) > 0 {
		writeJSON(w, status, fields)
		return
	}
	if v, ok := content.ConflictVersion(err); ok {
		writeJSON(w, status, map[string]any{"code": status, "message": errs.MessageOf(err), "latestVersion": v})
		return
	}
	writeJSON(w, status, map[string]any{"code": status, "message": errs.MessageOf(err)})
}

// decodeJSON reads a JSON body into v: 415 without application/json, 413
// over MaxBody, 400 when malformed or of the wrong shape.
func decodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errs.New(errs.Unsupported, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.New(errs.TooLarge, "request body is larger than %d bytes", MaxBody)
	}
	if err != nil {
		return errs.New(errs.Invalid, "could not read request body: %v", err)
	}
	// A null body would decode into a nil map or slice without error, and
	// reach the services as "no fields": a PATCH would then save an
	// unchanged version and send an Update webhook for it.
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return errs.InvalidField("body", "must be a JSON object or array, not null")
	}
	if err := jsonlimit.CheckBytes(body); err != nil {
		return errs.InvalidField("body", "is nested deeper than %d levels (arrays and objects inside each other); Hookline accepts at most %d", jsonlimit.MaxDepth, jsonlimit.MaxDepth)
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return errs.InvalidField(te.Field, "must be of type %s", te.Type.String())
		}
		return errs.InvalidField("body", "malformed JSON: %v", err)
	}
	return nil
}

// requireWrite refuses read-only callers.
func requireWrite(r *http.Request) error {
	if auth.RoleOf(r.Context()) < auth.ReadWrite {
		return errs.New(errs.Forbidden, "this API key is read-only")
	}
	return nil
}

// intParam reads a positive integer query parameter with a default.
func intParam(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errs.InvalidField(name, "must be a positive integer")
	}
	if max > 0 && n > max {
		return 0, errs.InvalidField(name, "must be at most %d", max)
	}
	return n, nil
}

// List is Flotiq's list envelope.
type List[T any] struct {
	TotalCount  int `json:"total_count"`
	TotalPages  int `json:"total_pages"`
	CurrentPage int `json:"current_page"`
	Count       int `json:"count"`
	Data        []T `json:"data"`
}

// NewList builds the envelope for one page.
func NewList[T any](data []T, total, page, limit int) List[T] {
	if data == nil {
		data = []T{}
	}
	pages := 0
	if limit > 0 {
		pages = (total + limit - 1) / limit
	}
	return List[T]{TotalCount: total, TotalPages: pages, CurrentPage: page, Count: len(data), Data: data}
}
