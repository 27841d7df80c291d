package inbox

import (
	"encoding/json"
	"net/http"
	"strings"
)

// An inbox answers on the same origin as Hookline's UI, with bytes that
// whoever scripted the inbox chose. These rules keep such an answer from
// ever being active content there: a browser that opens /inbox/… directly
// (any web page can navigate to it) gets a sandboxed, inert document.

// AnswerCSP goes on every inbox answer. "sandbox" puts the document in an
// opaque origin with scripts, forms and plugins off, so it can neither run
// script nor read the UI's session token; default-src 'none' stops it from
// loading anything.
const AnswerCSP = "sandbox; default-src 'none'; frame-ancestors 'none'"

// protectedHeaders are response headers that change what a browser lets a
// document or the whole origin do. A scripted answer may not set them: the
// first three were used to plant a service worker and run script on the UI's
// origin; the rest would undo the policy above, open CORS, or wipe or pin
// the origin's state.
var protectedHeaders = map[string]bool{
	"Service-Worker-Allowed":              true,
	"Set-Cookie":                          true,
	"Set-Cookie2":                         true,
	"Content-Security-Policy":             true,
	"Content-Security-Policy-Report-Only": true,
	"X-Content-Type-Options":              true,
	"X-Frame-Options":                     true,
	"X-Xss-Protection":                    true,
	"Strict-Transport-Security":           true,
	"Clear-Site-Data":                     true,
	"Permissions-Policy":                  true,
	"Feature-Policy":                      true,
	"Document-Policy":                     true,
	"Origin-Agent-Cluster":                true,
	"Referrer-Policy":                     true,
	"Refresh":                             true,
	"Link":                                true,
	"Nel":                                 true,
	"Report-To":                           true,
	"Reporting-Endpoints":                 true,
	"Speculation-Rules":                   true,
	"Supports-Loading-Mode":               true,
	"Timing-Allow-Origin":                 true,
	"X-Permitted-Cross-Domain-Policies":   true,
	"X-Dns-Prefetch-Control":              true,
	"Hookline-Request-Id":                 true, // set by Hookline itself
}

// protectedPrefixes cover whole families: CORS (Access-Control-*),
// cross-origin isolation (Cross-Origin-*) and fetch metadata (Sec-*).
var protectedPrefixes = []string{"Access-Control-", "Cross-Origin-", "Sec-"}

// ProtectedHeader reports whether a scripted answer may not set header name
// (see protectedHeaders). Saving a script with one is a validation error,
// and one stored before this rule existed is dropped when answering.
func ProtectedHeader(name string) bool {
	name = http.CanonicalHeaderKey(name)
	if protectedHeaders[name] {
		return true
	}
	for _, p := range protectedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// DefaultContentType is the Content-Type of an answer whose script sets
// none: JSON for an empty or JSON body, plain text otherwise. Never left to
// sniffing, which would call a body starting with <script> text/html.
func DefaultContentType(body string) string {
	if body == "" || json.Valid([]byte(body)) {
		return "application/json"
	}
	return "text/plain; charset=utf-8"
}

// WriteAnswerHeaders puts an answer's headers on h: the scripted ones that
// are not protected, a Content-Type, and the policy that keeps the answer
// inert in a browser.
func WriteAnswerHeaders(h http.Header, resp Response) {
	for k, v := range resp.Headers {
		if !ProtectedHeader(k) {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", DefaultContentType(resp.Body))
	}
	h.Set("Content-Security-Policy", AnswerCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Referrer-Policy", "no-referrer")
}
