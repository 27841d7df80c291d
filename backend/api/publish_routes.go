package api

import (
	"context"
	"net/http"
	"strings"

	"hookline/backend/content"
)

// publishRoutes registers Draft & Public's actions (flotiq-media.md §5.4).
// Each answers 204 without a body. The single forms ignore their body:
// flotiq-cli's import --publish sends the whole object.
func (s *Server) publishRoutes(h func(pattern string, fn handlerFunc)) {
	// ?hydrate=1 (the most allowed) cascades the action to related Draft &
	// Public objects one level deep; batch forms never cascade.
	one := map[string]string{"publish": content.ActionPublish, "unpublish": content.ActionUnpublish, "archive": content.ActionArchive}
	for name, action := range one {
		h("POST /api/v1/content/{type}/{id}/"+name, func(w http.ResponseWriter, r *http.Request) error {
			if err := requireWrite(r); err != nil {
				return err
			}
			hydrate, err := intParam(r, "hydrate", 0, 1)
			if r.URL.Query().Get("hydrate") == "0" {
				hydrate, err = 0, nil
			}
			if err != nil {
				return err
			}
			if err := s.content.PublicationAction(r.Context(), r.PathValue("type"), r.PathValue("id"), action, hydrate == 1); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
	}
	batch := map[string]func(ctx context.Context, typeName string, ids []string) error{
		"batch-publish": s.content.BatchPublish, "batch-unpublish": s.content.BatchUnpublish, "batch-archive": s.content.BatchArchive,
	}
	for name, fn := range batch {
		h("POST /api/v1/content/{type}/"+name, func(w http.ResponseWriter, r *http.Request) error {
			if err := requireWrite(r); err != nil {
				return err
			}
			var ids []string
			if err := decodeJSON(r, &ids); err != nil {
				return err
			}
			if err := fn(r.Context(), r.PathValue("type"), ids); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
	}
}

// previewMode reports whether the request asks for drafts (X-MODE: preview),
// as Flotiq's editors and CLI do. Without it, Draft & Public types serve
// only what is public.
func previewMode(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Mode")), "preview")
}
