package webhook

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// FuzzValidateHeaders checks that Validate never panics on any header and
// that whatever it accepts is a header net/http will actually send, with no
// way to smuggle in a second header or touch one Hookline owns.
func FuzzValidateHeaders(f *testing.F) {
	for _, s := range [][2]string{
		{"AUTH", "secret_token"},
		{"X-Api-Key", "a\tb"},
		{"X-A", "a\r\nX-Evil: 1"},
		{"Host", "evil.example"},
		{"webhook-signature", "v1,x"},
		{"X_A", "v"},
		{"", ""},
		{"X-Ü", "ü"},
		{"X-A", "\x7f"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		obj := validObject()
		obj["headers"] = []any{map[string]any{"header_name": name, "header_value": value}}
		fields := Validate(obj, known)
		if len(fields) == 0 {
			w, err := FromObject(obj)
			if err != nil {
				t.Fatalf("valid object does not parse: %v", err)
			}
			h := w.Headers[0]
			if !httpguts.ValidHeaderFieldName(h.Name) || !httpguts.ValidHeaderFieldValue(h.Value) {
				t.Fatalf("accepted a header net/http would refuse: %q: %q", h.Name, h.Value)
			}
			if strings.ContainsAny(h.Value, "\r\n") || reservedHeaders[strings.ToLower(h.Name)] {
				t.Fatalf("accepted %q: %q", h.Name, h.Value)
			}
			req := httptest.NewRequest(http.MethodPost, "http://example.com/", nil)
			req.Header.Set(h.Name, h.Value)
			if len(req.Header) != 1 {
				t.Fatalf("one header became %d", len(req.Header))
			}
		}
	})
}
