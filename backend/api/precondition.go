package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"hookline/backend/content"
	"hookline/backend/errs"
)

// ifMatch returns r's context carrying the version named by an If-Match
// header (`"7"`; `W/"7"` and a bare 7 are read the same way), for the
// content service to check inside the write. No header, or `*`, expects
// nothing, so Flotiq's clients, which never send one, are unaffected.
func ifMatch(r *http.Request) (context.Context, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return r.Context(), nil
	}
	tag := strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.Atoi(tag)
	if err != nil || n < 1 || strings.Contains(v, ",") {
		return nil, errs.New(errs.Invalid, `If-Match must name one version, e.g. If-Match: "3"`)
	}
	return content.WithExpectedVersion(r.Context(), n), nil
}

// setETag names an object's version in the ETag header, the value a later
// If-Match can send back.
func setETag(w http.ResponseWriter, obj content.Object) {
	internal, _ := obj["internal"].(map[string]any)
	switch v := internal["latestVersion"].(type) {
	case int:
		w.Header().Set("ETag", `"`+strconv.Itoa(v)+`"`)
	case int64:
		w.Header().Set("ETag", `"`+strconv.FormatInt(v, 10)+`"`)
	}
}
