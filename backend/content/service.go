// Package content owns content type definitions and content objects: Flotiq's
// formats, validation, ids, objectTitle and versions.
package content

import "hookline/backend/store"

// Service is the content service.
type Service struct {
	db *store.DB
}

// New returns a Service over db.
func New(db *store.DB) *Service { return &Service{db: db} }
