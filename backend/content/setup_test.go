package content

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"hookline/backend/store"
	"hookline/backend/store/pgtest"
)

// testBundle holds the collaborators of a Service under test.
type testBundle struct {
	db    *store.DB
	hook  *recordingHook
	clock *fakeClock
}

// setup returns a Service over a fresh database in t.TempDir(), with a
// recording hook and a clock that ticks one second per reading.
func setup(t *testing.T, internal ...InternalType) (*Service, *testBundle) {
	t.Helper()
	return setupTB(t, internal...)
}

func setupTB(t testing.TB, internal ...InternalType) (*Service, *testBundle) {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Options(t, filepath.Join(t.TempDir(), "hookline.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b := &testBundle{db: db, hook: &recordingHook{}, clock: &fakeClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}}
	s := New(db, Options{Hook: b.hook, Now: b.clock.Now, Internal: internal})
	return s, b
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// recordingHook records changes; with fail set it refuses them.
type recordingHook struct {
	mu        sync.Mutex
	changes   []Change
	committed int
	// rolledBack counts RolledBack calls: writes whose changes did not commit.
	rolledBack int
	fail       error
}

func (h *recordingHook) ChangedTx(ctx context.Context, tx *gorm.DB, c Change) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	// Prove the hook runs inside the writing transaction: the object is
	// visible through tx already.
	if c.Action != ActionDelete {
		var n int
		tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND id = ? AND deleted_at IS NULL`, c.ContentType, c.ObjectID).Scan(&n)
		if n != 1 {
			return errInvisible
		}
	}
	h.changes = append(h.changes, c)
	return nil
}

func (h *recordingHook) Committed() {
	h.mu.Lock()
	h.committed++
	h.mu.Unlock()
}

func (h *recordingHook) RolledBack() {
	h.mu.Lock()
	h.rolledBack++
	h.mu.Unlock()
}

func (h *recordingHook) reset() {
	h.mu.Lock()
	h.changes, h.committed, h.rolledBack = nil, 0, 0
	h.mu.Unlock()
}

func (h *recordingHook) snapshot() ([]Change, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Change(nil), h.changes...), h.committed
}

type hookErr string

func (e hookErr) Error() string { return string(e) }

const errInvisible = hookErr("change not visible inside the transaction")

// mustJSON decodes a JSON literal into a map, failing the test on error.
func mustJSON(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return m
}

// blogpostsJSON is the docs' example type, with an extra key a real export
// carries.
const blogpostsJSON = `{
  "name": "blogposts", "label": "Blog Posts", "draftPublic": false, "featuredImage": [],
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {"type": "object", "properties": {
        "title": {"type": "string", "minLength": 1},
        "postContent": {"type": "string", "minLength": 1}}}
    ],
    "required": ["title", "postContent"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "propertiesConfig": {
      "title": {"label": "Title", "inputType": "text", "unique": true, "isTitlePart": true},
      "postContent": {"label": "Post content", "inputType": "richtext", "unique": false}
    },
    "order": ["title", "postContent"]
  }
}`

var zeroTime time.Time

// webhooksJSON is shaped like Flotiq's _webhooks type (§5.2), including
// the if/then/else kept inside properties.
const webhooksJSON = `{
  "name": "_webhooks", "label": "Webhooks (internal)", "internal": true,
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 1},
        "type": {"type": "string", "default": "async"},
        "executionMode": {"type": "string", "default": "url"},
        "url": {"type": "string"},
        "code": {"type": "string", "default": ""},
        "enabled": {"type": "boolean"},
        "actions": {"type": "array", "items": {"type": "object", "properties": {"action": {"type": "string", "default": "Create"}}}},
        "content_type_definitions": {"type": "array", "items": {"type": "object", "properties": {"content_type_definition_name": {"type": "string"}}}},
        "headers": {"type": "array", "items": {"type": "object", "properties": {"header_name": {"type": "string", "pattern": "^[a-zA-Z0-9-]*$"}, "header_value": {"type": "string"}}}},
        "if": {"properties": {"executionMode": {"const": "code"}}},
        "then": {"properties": {"code": {"minLength": 1}}},
        "else": {"properties": {"url": {"minLength": 1}}}
      }}
    ],
    "required": ["name", "actions", "content_type_definitions"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "propertiesConfig": {
      "name": {"label": "Name", "inputType": "text", "unique": false, "isTitlePart": true},
      "type": {"label": "Type", "inputType": "select", "unique": false, "options": ["async", "sync", "ctd"]},
      "executionMode": {"label": "Execution mode", "inputType": "select", "unique": false, "options": ["url", "code"]},
      "url": {"label": "URL", "inputType": "text", "unique": false},
      "code": {"label": "Code", "inputType": "text", "unique": false},
      "enabled": {"label": "Enabled", "inputType": "checkbox", "unique": false},
      "actions": {"label": "Actions", "inputType": "object", "unique": false, "items": {"order": ["action"], "propertiesConfig": {"action": {"label": "Action", "inputType": "select", "unique": false, "options": ["Create", "Update", "Delete", "Custom"]}}}},
      "content_type_definitions": {"label": "Types", "inputType": "object", "unique": false, "items": {"order": ["content_type_definition_name"], "propertiesConfig": {"content_type_definition_name": {"label": "Type", "inputType": "text", "unique": false}}}},
      "headers": {"label": "Headers", "inputType": "object", "unique": false, "items": {"order": ["header_name", "header_value"], "propertiesConfig": {"header_name": {"label": "Name", "inputType": "text", "unique": false}, "header_value": {"label": "Value", "inputType": "text", "unique": false}}}}
    },
    "order": ["name", "type", "executionMode", "content_type_definitions", "actions", "url", "code", "headers", "enabled"]
  }
}`
