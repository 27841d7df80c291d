package api

import (
	"context"
	"net/http"
	"strings"
)

// publishRoutes registers Draft & Public's actions (flotiq-media.md §5.4).
// Each answers 204 without a body. The single forms ignore their body:
// flotiq-cli's import --publish sends the whole object.
func (s *Server) publishRoutes(h func(pattern string, fn handlerFunc)) {
	one := map[string]func(ctx context.Context, typeName, id string) error{
		"publish": s.content.Publish, "unpublish": s.content.Unpublish, "archive": s.content.Archive,
	}
	for name, fn := range one {
		h("POST /api/v1/content/{type}/{id}/"+name, func(w http.ResponseWriter, r *http.Request) error {
			if err := requireWrite(r); err != nil {
				return err
			}
			if err := fn(r.Context(), r.PathValue("type"), r.PathValue("id")); err != nil {
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
