// Package content owns content type definitions and content objects: Flotiq's
// formats, validation, ids, objectTitle and versions.
//
// Every write happens in one store transaction per service call. The Hook is
// told of each object change inside that transaction, so whatever it writes
// (queued webhook deliveries) commits or rolls back with the change.
package content

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Object is a content object as the API returns it: its property values plus
// "id" and the server-owned "internal" block.
type Object = map[string]any

// Definition is a content type definition (CTD) as the API returns it:
// Flotiq's JSON, extra keys included, plus the server-owned id, internal
// flag and timestamps.
type Definition = map[string]any

// InternalType registers a built-in system type (such as _webhooks) from
// another package. Its objects are ordinary objects; the type itself cannot be
// changed or deleted by users.
type InternalType struct {
	// Definition is the Flotiq CTD JSON of the type; "internal" is forced true.
	Definition json.RawMessage
	// Validate adds rules after JSON Schema validation. Nil is fine. It gets
	// the object's properties plus "id".
	Validate func(obj map[string]any) errs.Fields
	// Prepare fills defaults before validation. Nil is fine.
	Prepare func(obj map[string]any)
	// NewID generates the id of an object created without one (e.g.
	// `_media-<uuid>`). Nil means Flotiq's default, {type}-{6 digits}.
	NewID func() string
}

// Options configures New. Zero fields get defaults.
type Options struct {
	// Hook is told of every object change. Nil means nobody listens.
	Hook Hook
	// PreSave is asked before every object create, update and delete of a
	// user type, outside the write transaction. Nil means nobody is asked.
	PreSave PreSave
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Internal lists the system types to register.
	Internal []InternalType
}

// Service is the content service.
type Service struct {
	db       *store.DB
	hook     Hook
	presave  PreSave
	now      func() time.Time
	internal map[string]*typeDef
	// idRand is where generated object ids come from (crypto/rand).
	idRand io.Reader

	// mu guards cache: parsed and compiled user types keyed by name. An entry
	// is used only while the stored row matches the one it was parsed from
	// (see loadType), so a type changed in a transaction that rolled back is
	// never seen.
	mu    sync.Mutex
	cache map[string]*typeDef
	// Also under mu, for writerType: entries trusted without reading
	// content_types, the count of type changes in flight, and a generation
	// that moves on when one begins and when it ends.
	trusted     map[string]trustedType
	typeChanges int
	typeGen     uint64
}

type trustedType struct {
	td  *typeDef
	gen uint64
	// ver is the shared database's types version it was verified at (see
	// store.DB.CacheVersion); always 0 on SQLite.
	ver int64
}

// New returns a Service over db. It panics if an internal type's definition
// is invalid: that is a programming error in the registering package, like a
// bad regexp.MustCompile.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{db: db, hook: opts.Hook, presave: opts.PreSave, now: opts.Now, internal: map[string]*typeDef{}, cache: map[string]*typeDef{}, trusted: map[string]trustedType{}, idRand: rand.Reader}
	db.Subscribe(s.typesChanged)
	for _, it := range opts.Internal {
		var def map[string]any
		if err := json.Unmarshal(it.Definition, &def); err != nil {
			panic(fmt.Sprintf("content: internal type definition is not a JSON object: %v", err))
		}
		def["internal"] = true
		td, fields := parseType(def, true)
		if len(fields) > 0 {
			panic(fmt.Sprintf("content: invalid internal type %v: %v", def["name"], fields.Err()))
		}
		td.validate, td.prepare, td.newID = it.Validate, it.Prepare, it.NewID
		td.id = internalTypeID(td.name)
		s.internal[td.name] = td
	}
	return s
}

// txWriter is handed to the body of a write: changed reports one object
// change to the Hook inside the transaction.
type txWriter struct {
	ctx     context.Context
	tx      *gorm.DB
	hook    Hook
	changes int
	// held collects the changes of a batch for one ChangedBatchTx, when
	// the hook is a BatchHook and the write is a batch (holdChanges).
	held    []Change
	holding bool
	// locked holds the object names locked in this transaction, on a
	// shared database (see shared.go).
	locked map[string]struct{}
}

// holdChanges makes changed collect the changes until flushChanges, if the
// hook can take them at once.
func (w *txWriter) holdChanges() {
	_, w.holding = w.hook.(BatchHook)
}

// flushChanges hands the held changes to the hook, inside the transaction.
func (w *txWriter) flushChanges() error {
	cs := w.held
	w.held, w.holding = nil, false
	if len(cs) == 0 {
		return nil
	}
	if err := w.hook.(BatchHook).ChangedBatchTx(w.ctx, w.tx, cs); err != nil {
		return fmt.Errorf("hook refused a batch of %d changes to %s: %w", len(cs), cs[0].ContentType, err)
	}
	return nil
}

func (w *txWriter) changed(c Change) error {
	w.changes++
	if w.hook == nil {
		return nil
	}
	if w.holding {
		w.held = append(w.held, c)
		return nil
	}
	if err := w.hook.ChangedTx(w.ctx, w.tx, c); err != nil {
		return fmt.Errorf("hook refused %s of %s/%s: %w", c.Action, c.ContentType, c.ObjectID, err)
	}
	return nil
}

// typeChanged reports one type change to the Hook, if it wants them.
func (w *txWriter) typeChanged(c TypeChange) error {
	th, ok := w.hook.(TypeHook)
	if !ok {
		return nil
	}
	w.changes++
	if err := th.TypeChangedTx(w.ctx, w.tx, c); err != nil {
		return fmt.Errorf("hook refused %s of type %s: %w", c.Action, c.Name, err)
	}
	return nil
}

// write runs fn in one immediate transaction and, after it commits with at
// least one change, wakes the Hook once.
func (s *Service) write(ctx context.Context, fn func(w *txWriter) error) error {
	changes := 0
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		// The hook's statements run in a transaction this write may share
		// with others (group commit), so they must not be interrupted by
		// the end of ctx either; see store.DB.InTx.
		w := &txWriter{ctx: context.WithoutCancel(ctx), tx: tx, hook: s.hook}
		err := fn(w)
		changes = w.changes
		return err
	})
	if err != nil {
		if changes > 0 && s.hook != nil {
			s.hook.RolledBack()
		}
		return err
	}
	if changes > 0 && s.hook != nil {
		s.hook.Committed()
	}
	return nil
}

// Stored timestamps are UTC with microseconds and a literal Z: fixed width,
// so text order is time order.
const storedTime = "2006-01-02T15:04:05.000000Z"

// Flotiq's output formats: objects use seconds and +00:00, CTDs use
// microseconds and +0000.
const (
	objectTime = "2006-01-02T15:04:05-07:00"
	typeTime   = "2006-01-02T15:04:05.000000-0700"
)

func (s *Service) stamp() string { return s.now().UTC().Format(storedTime) }

func parseStored(v string) time.Time {
	t, err := time.Parse(storedTime, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

func formatObjectTime(stored string) string {
	if stored == "" {
		return ""
	}
	return parseStored(stored).Format(objectTime)
}

func formatTypeTime(stored string) any {
	if stored == "" {
		return nil
	}
	return parseStored(stored).Format(typeTime)
}

func notFoundType(name string) error {
	return errs.New(errs.NotFound, "Content type %q not found", name)
}

func notFoundObject(typeName, id string) error {
	return errs.New(errs.NotFound, "Content object %q of type %q not found", id, typeName)
}
