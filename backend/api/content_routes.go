package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"hookline/backend/content"
	"hookline/backend/errs"
)

// contentRoutes registers the Flotiq-compatible content endpoints (§1–§3 of
// the compatibility spec). Handlers only translate HTTP to service calls.
func (s *Server) contentRoutes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) { s.handle(mux, pattern, s.authed, fn) }
	h("GET /api/v1/internal/contenttype", s.listTypes)
	h("POST /api/v1/internal/contenttype", s.createType)
	h("GET /api/v1/internal/contenttype/{name}", s.getType)
	h("PUT /api/v1/internal/contenttype/{name}", s.updateType)
	h("DELETE /api/v1/internal/contenttype/{name}", s.deleteType)

	h("GET /api/v1/content/{type}", s.listObjects)
	h("POST /api/v1/content/{type}", s.createObject)
	h("POST /api/v1/content/{type}/batch", s.batchCreate)
	h("PATCH /api/v1/content/{type}/batch", s.batchPatch)
	h("POST /api/v1/content/{type}/batch-delete", s.batchDelete)
	h("GET /api/v1/content/{type}/removed", s.removedObjects)
	h("GET /api/v1/content/{type}/{id}", s.getObject)
	h("PUT /api/v1/content/{type}/{id}", s.replaceObject)
	h("PATCH /api/v1/content/{type}/{id}", s.patchObject)
	h("DELETE /api/v1/content/{type}/{id}", s.deleteObject)
	h("GET /api/v1/content/{type}/{id}/version", s.listVersions)
	h("GET /api/v1/content/{type}/{id}/version/{version}", s.getVersion)
	s.publishRoutes(h)
}

// boolParam reads a flag the way Flotiq's clients send them: true/1.
func boolParam(r *http.Request, name string) bool {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// pageParams reads page and limit (default 20, at most content.MaxLimit).
func pageParams(r *http.Request) (page, limit int, err error) {
	if page, err = intParam(r, "page", 1, 0); err != nil {
		return 0, 0, err
	}
	limit, err = intParam(r, "limit", 20, content.MaxLimit)
	return page, limit, err
}

// listParam reads a repeated parameter in either PHP style (names[]=a&names[]=b)
// or as one comma-separated value.
func listParam(r *http.Request, name string) []string {
	q := r.URL.Query()
	var out []string
	for _, v := range append(q[name+"[]"], q[name]...) {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Server) listTypes(w http.ResponseWriter, r *http.Request) error {
	page, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	q := content.TypeQuery{
		Page: page, Limit: limit,
		OrderBy: r.URL.Query().Get("order_by"), OrderDirection: r.URL.Query().Get("order_direction"),
		Name: r.URL.Query().Get("name"), Label: r.URL.Query().Get("label"), Names: listParam(r, "names"),
	}
	switch r.URL.Query().Get("internal") {
	case "":
	case "1", "true":
		q.Internal = new(bool)
		*q.Internal = true
	case "0", "false":
		q.Internal = new(bool)
	default:
		return errs.InvalidField("internal", "Must be 0 or 1")
	}
	defs, total, err := s.content.ListTypes(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewList(defs, total, page, limit))
	return nil
}

func (s *Server) createType(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var def map[string]any
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	out, err := s.content.CreateType(r.Context(), def)
	if err != nil {
		return err
	}
	if name, ok := out["name"].(string); ok {
		s.typeChanged(name, "created")
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getType(w http.ResponseWriter, r *http.Request) error {
	// The revision If-Match names for a type, read before the body: a write
	// in between then only makes a later If-Match fail (412), never pass
	// with a stale definition.
	rev, revErr := s.content.TypeVersion(r.Context(), r.PathValue("name"))
	out, err := s.content.GetType(r.Context(), r.PathValue("name"), content.GetTypeOptions{
		ResolveRef: boolParam(r, "resolveRef"), StrictSchema: boolParam(r, "strictSchema"),
	})
	if err != nil {
		return err
	}
	if revErr == nil {
		w.Header().Set("ETag", `"`+strconv.Itoa(rev)+`"`)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateType(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var def map[string]any
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	ctx, err := ifMatch(r)
	if err != nil {
		return err
	}
	out, err := s.content.UpdateType(ctx, r.PathValue("name"), def)
	if err != nil {
		return err
	}
	s.typeChanged(r.PathValue("name"), "updated")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteType(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := s.content.DeleteType(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	s.typeChanged(r.PathValue("name"), "deleted")
	// Flotiq answers 200 with an empty body.
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request) error {
	page, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	hydrate, err := hydrateParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	res, err := s.content.List(r.Context(), r.PathValue("type"), content.ListQuery{
		Page: page, Limit: limit,
		OrderBy: q.Get("order_by"), OrderDirection: q.Get("order_direction"),
		Filters: q.Get("filters"), IDs: listParam(r, "ids"),
		EmptyFirst: boolParam(r, "empty_first"), Hydrate: hydrate,
		Public: !previewMode(r), Status: q.Get("status"),
	})
	if err != nil {
		return err
	}
	maskWebhooks(r, r.PathValue("type"), res.Data...)
	writeJSON(w, http.StatusOK, NewList(res.Data, res.Total, page, limit))
	return nil
}

func hydrateParam(r *http.Request) (int, error) {
	if r.URL.Query().Get("hydrate") == "0" {
		return 0, nil
	}
	return intParam(r, "hydrate", 0, 2)
}

func (s *Server) createObject(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var body map[string]any
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	out, err := s.content.Create(r.Context(), r.PathValue("type"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request) error {
	hydrate, err := hydrateParam(r)
	if err != nil {
		return err
	}
	out, err := s.content.GetView(r.Context(), r.PathValue("type"), r.PathValue("id"), !previewMode(r))
	if err != nil {
		return err
	}
	if hydrate > 0 {
		if err := s.content.HydrateView(r.Context(), hydrate, !previewMode(r), out); err != nil {
			return err
		}
	}
	maskWebhooks(r, r.PathValue("type"), out)
	setETag(w, out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) replaceObject(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var body map[string]any
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	ctx, err := ifMatch(r)
	if err != nil {
		return err
	}
	out, err := s.content.Replace(ctx, r.PathValue("type"), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	setETag(w, out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) patchObject(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var body map[string]any
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	ctx, err := ifMatch(r)
	if err != nil {
		return err
	}
	out, err := s.content.Patch(ctx, r.PathValue("type"), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	setETag(w, out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	if err := s.content.Delete(r.Context(), r.PathValue("type"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeBatch answers a batch create/update: the summary with 200, or with
// 400 when items were refused.
func (s *Server) writeBatch(w http.ResponseWriter, r *http.Request, res content.BatchResult, err error) error {
	if err != nil && len(res.Errors) > 0 && errs.CodeOf(err) == errs.Invalid {
		writeJSON(w, http.StatusBadRequest, res)
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) batchCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var items []map[string]any
	if err := decodeJSON(r, &items); err != nil {
		return err
	}
	res, err := s.content.BatchCreate(r.Context(), r.PathValue("type"), items, boolParam(r, "updateExisting"))
	return s.writeBatch(w, r, res, err)
}

func (s *Server) batchPatch(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var items []map[string]any
	if err := decodeJSON(r, &items); err != nil {
		return err
	}
	res, err := s.content.BatchPatch(r.Context(), r.PathValue("type"), items)
	return s.writeBatch(w, r, res, err)
}

func (s *Server) batchDelete(w http.ResponseWriter, r *http.Request) error {
	if err := requireWrite(r); err != nil {
		return err
	}
	var ids []string
	if err := decodeJSON(r, &ids); err != nil {
		return err
	}
	n, err := s.content.BatchDelete(r.Context(), r.PathValue("type"), ids)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"deletedCount": n})
	return nil
}

func (s *Server) removedObjects(w http.ResponseWriter, r *http.Request) error {
	// Flotiq asks for a read-write key here: removal is delete-scoped data.
	if err := requireWrite(r); err != nil {
		return err
	}
	var after time.Time
	if v := r.URL.Query().Get("deletedAfter"); v != "" {
		t, err := content.ParseDate(v)
		if err != nil {
			return errs.InvalidField("deletedAfter", "Wrong date format")
		}
		after = t
	}
	ids, err := s.content.Removed(r.Context(), r.PathValue("type"), after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ids)
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	page, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.content.Versions(r.Context(), r.PathValue("type"), r.PathValue("id"), content.VersionQuery{
		Page: page, Limit: limit,
		OrderBy: r.URL.Query().Get("order_by"), OrderDirection: r.URL.Query().Get("order_direction"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewList(items, total, page, limit))
	return nil
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) error {
	// The OAS example spells the version "version-1"; webhook refs use "1".
	v := strings.TrimPrefix(r.PathValue("version"), "version-")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return errs.New(errs.NotFound, "Version %q not found", r.PathValue("version"))
	}
	out, err := s.content.Version(r.Context(), r.PathValue("type"), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	maskWebhooks(r, r.PathValue("type"), out)
	writeJSON(w, http.StatusOK, out)
	return nil
}
