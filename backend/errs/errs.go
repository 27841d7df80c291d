// Package errs defines Hookline's application errors: a machine code the API
// maps to an HTTP status in one place, a message meant for a person, and, for
// validation failures, messages per field in Flotiq's flat {"field":["msg"]}
// shape.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Codes. Anything that is not an *Error is reported as Internal.
const (
	Invalid      = "invalid"      // 400
	Unauthorized = "unauthorized" // 401
	Forbidden    = "forbidden"    // 403
	NotFound     = "not_found"    // 404
	Conflict     = "conflict"     // 409
	TooLarge     = "too_large"    // 413
	Unsupported  = "unsupported"  // 415
	Internal     = "internal"     // 500
	Unavailable  = "unavailable"  // 503
)

// PreconditionFailed (412): the version a write expected (If-Match) is not
// the stored one.
const PreconditionFailed = "precondition_failed"

// Error is an error a person can act on.
type Error struct {
	Code    string
	Message string
	// Fields holds validation messages keyed by field path. Only for Invalid.
	Fields map[string][]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(e.Message)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Fields[k], ", "))
	}
	return b.String()
}

// New builds an Error with a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fields is a collector for validation messages.
type Fields map[string][]string

// Add records msg against field.
func (f Fields) Add(field, format string, args ...any) {
	f[field] = append(f[field], fmt.Sprintf(format, args...))
}

// Err returns nil when nothing was added, or an Invalid error otherwise.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Validation failed", Fields: f}
}

// InvalidField is a shorthand for a single-field validation error.
func InvalidField(field, format string, args ...any) error {
	f := Fields{}
	f.Add(field, format, args...)
	return f.Err()
}

// CodeOf returns the code of err, or Internal.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the person-facing message of err. Errors that are not
// *Error are hidden behind "Internal error." so that nothing internal leaks;
// the caller logs the full error.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// FieldsOf returns the per-field messages of an Invalid error, or nil.
func FieldsOf(err error) map[string][]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
