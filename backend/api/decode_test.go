package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"hookline/backend/errs"
)

// A JSON null decodes into a nil map without error; decodeJSON must refuse
// it, or a PATCH with a null body saves an unchanged version and sends an
// Update webhook (found by backend/reliability's bad-input table).
func TestDecodeJSONRefusesNull(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"null", " null\n", "\tnull "} {
		r := httptest.NewRequest("PATCH", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var m map[string]any
		err := decodeJSON(r, &m)
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)["body"] == nil {
			t.Errorf("%q: err = %v, want an invalid body", body, err)
		}
	}
	r := httptest.NewRequest("PATCH", "/", strings.NewReader(`{"a":null}`))
	r.Header.Set("Content-Type", "application/json")
	var m map[string]any
	if err := decodeJSON(r, &m); err != nil || len(m) != 1 {
		t.Errorf(`{"a":null}: %v, %v`, m, err)
	}
}
