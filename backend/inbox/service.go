// Package inbox is Hookline's built-in webhook receiver: named endpoints that
// record every request, answer with a scripted response and check Standard
// Webhooks signatures.
package inbox

import "hookline/backend/store"

// Service owns inboxes and their recorded requests.
type Service struct {
	db *store.DB
}
