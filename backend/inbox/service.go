// Package inbox is Hookline's built-in webhook receiver: named endpoints that
// record every request, answer with a scripted response and check Standard
// Webhooks signatures.
//
// Every write is one store transaction per service call. Events go out on
// the bus only after the transaction commits, so the UI never shows a request
// that was rolled back.
package inbox

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/events"
	"hookline/backend/store"
)

// Defaults for Options.
const (
	DefaultMaxRequests   = 1000
	DefaultMaxBody       = 1 << 20
	DefaultReplayTimeout = 10 * time.Second
)

// Options configures New. Zero fields get defaults.
type Options struct {
	// Bus receives an "inbox" event for every recorded request and every
	// inbox change. Nil publishes nothing.
	Bus *events.Bus
	// Now is the clock for arrival times and signature ages. Default time.Now.
	Now func() time.Time
	// Rand picks the fail-rate seed of an inbox saved without one. Tests set
	// it to make the chosen seed known. Default: math/rand/v2.
	Rand func() int64
	// MaxRequests is how many requests each inbox keeps. Default 1000.
	MaxRequests int
	// MaxBody is how many body bytes of a request are kept; the rest is
	// counted and dropped. Default 1 MiB.
	MaxBody int64
	// ReplayTimeout bounds one replay. Default 10 s.
	ReplayTimeout time.Duration
	// Logger reports requests that could not be recorded. Default: discard.
	Logger *slog.Logger
}

// Service owns inboxes and their recorded requests.
type Service struct {
	db   *store.DB
	opts Options
}

// New returns a Service over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Int64
	}
	if opts.MaxRequests <= 0 {
		opts.MaxRequests = DefaultMaxRequests
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.ReplayTimeout <= 0 {
		opts.ReplayTimeout = DefaultReplayTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{db: db, opts: opts}
}

// Inbox is one receiver and the response it is scripted to give.
type Inbox struct {
	Name string `json:"name"`
	// Status, Headers and Body are the answer to a request that is not a
	// scripted failure. A 1xx status other than 101 is sent as an interim
	// response, after which Go's server completes the exchange with 200.
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// DelayMs holds every answer back, failures included, to imitate a slow
	// receiver or a timeout.
	DelayMs int `json:"delayMs"`
	// FailFirst answers the first N requests after the script was saved with
	// FailStatus.
	FailFirst int `json:"failFirst"`
	// FailRate answers this percentage of the remaining requests with
	// FailStatus. Which ones is decided by FailSeed and the request's
	// position, so saving the same script replays the same sequence.
	FailRate   int    `json:"failRate"`
	FailSeed   int64  `json:"failSeed"`
	FailStatus int    `json:"failStatus"`
	Secret     string `json:"secret"`
	// SyncMode makes the inbox answer synchronous webhook requests: accept,
	// modify (merge SyncPatch into the object) or reject (with
	// SyncErrors); "" gives them the plain answer. Scripted failures and the
	// delay still apply first.
	SyncMode   string              `json:"syncMode"`
	SyncErrors map[string][]string `json:"syncErrors"`
	SyncPatch  map[string]any      `json:"syncPatch"`
	// Received counts requests since the script was last saved: the
	// position fail-first and fail-rate work from.
	Received int64 `json:"received"`
	// RequestCount is how many requests are kept (at most MaxRequests).
	RequestCount  int        `json:"requestCount"`
	LastRequestAt *time.Time `json:"lastRequestAt"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

// Input creates or replaces an inbox. Omitted pointer fields get defaults:
// status 200, failStatus 500, and on create a random failSeed (on update the
// current one is kept).
type Input struct {
	Name       string              `json:"name"`
	Status     *int                `json:"status,omitempty"`
	Headers    map[string]string   `json:"headers,omitempty"`
	Body       string              `json:"body"`
	DelayMs    int                 `json:"delayMs"`
	FailFirst  int                 `json:"failFirst"`
	FailRate   int                 `json:"failRate"`
	FailSeed   *int64              `json:"failSeed,omitempty"`
	FailStatus *int                `json:"failStatus,omitempty"`
	Secret     string              `json:"secret"`
	SyncMode   string              `json:"syncMode"`
	SyncErrors map[string][]string `json:"syncErrors,omitempty"`
	SyncPatch  map[string]any      `json:"syncPatch,omitempty"`
}

// EventKind says what an "inbox" event is about.
const (
	EventRequest        = "request"         // a request was recorded
	EventRequestUpdated = "request_updated" // a recorded request changed (its sender hung up during the delay)
	EventSaved          = "saved"           // an inbox was created or its script replaced
	EventDeleted        = "deleted"         // an inbox was removed
	EventCleared        = "cleared"         // an inbox's requests were removed
)

// Event is the Data of every events.Event{Type: "inbox"}.
type Event struct {
	Kind    string          `json:"kind"`
	Inbox   string          `json:"inbox"`
	Request *RequestSummary `json:"request,omitempty"`
}

func (s *Service) publish(e Event) {
	s.opts.Bus.Publish(events.Event{Type: "inbox", Data: e})
}

type inboxRow struct {
	Name          string
	Status        int
	Headers       string
	Body          string
	DelayMs       int
	FailFirst     int
	FailRate      int
	FailSeed      int64
	FailStatus    int
	Secret        string
	SyncMode      string
	SyncErrors    string
	SyncPatch     string
	Received      int64
	CreatedAt     int64
	UpdatedAt     int64
	RequestCount  int
	LastRequestAt *int64
}

// The per-inbox subqueries walk the (inbox, seq) index only.
const selectInbox = `SELECT i.*,
	(SELECT COUNT(*) FROM inbox_requests r WHERE r.inbox = i.name) AS request_count,
	(SELECT r.received_at FROM inbox_requests r WHERE r.inbox = i.name ORDER BY r.seq DESC LIMIT 1) AS last_request_at
	FROM inboxes i`

func (row inboxRow) inbox() Inbox {
	in := Inbox{
		Name: row.Name, Status: row.Status, Body: row.Body, DelayMs: row.DelayMs,
		FailFirst: row.FailFirst, FailRate: row.FailRate, FailSeed: row.FailSeed, FailStatus: row.FailStatus,
		Secret: row.Secret, Received: row.Received, RequestCount: row.RequestCount,
		CreatedAt: time.UnixMilli(row.CreatedAt).UTC(), UpdatedAt: time.UnixMilli(row.UpdatedAt).UTC(),
		Headers: map[string]string{},
	}
	_ = json.Unmarshal([]byte(row.Headers), &in.Headers) // written by us from a map; cannot be malformed
	in.SyncMode = row.SyncMode
	_ = json.Unmarshal([]byte(row.SyncErrors), &in.SyncErrors) // written by us, like headers
	_ = json.Unmarshal([]byte(row.SyncPatch), &in.SyncPatch)
	if row.LastRequestAt != nil {
		t := time.UnixMilli(*row.LastRequestAt).UTC()
		in.LastRequestAt = &t
	}
	return in
}

func notFound(name string) error {
	return errs.New(errs.NotFound, "inbox %q does not exist", name)
}

// List returns every inbox, by name.
func (s *Service) List(ctx context.Context) ([]Inbox, error) {
	var rows []inboxRow
	if err := s.db.R.WithContext(ctx).Raw(selectInbox + ` ORDER BY i.name`).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Inbox, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.inbox())
	}
	return out, nil
}

// Get returns one inbox.
func (s *Service) Get(ctx context.Context, name string) (Inbox, error) {
	return s.get(s.db.R.WithContext(ctx), name)
}

func (s *Service) get(db *gorm.DB, name string) (Inbox, error) {
	var rows []inboxRow
	if err := db.Raw(selectInbox+` WHERE i.name = ?`, name).Scan(&rows).Error; err != nil {
		return Inbox{}, err
	}
	if len(rows) == 0 {
		return Inbox{}, notFound(name)
	}
	return rows[0].inbox(), nil
}

// Create adds an inbox. A name in use is a Conflict.
func (s *Service) Create(ctx context.Context, in Input) (Inbox, error) {
	var out Inbox
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = s.CreateTx(ctx, tx, in)
		return err
	})
	if err != nil {
		return Inbox{}, err
	}
	s.publish(Event{Kind: EventSaved, Inbox: out.Name})
	return out, nil
}

// CreateTx is Create inside the caller's transaction, for callers that add
// an inbox together with other data (the demo). It publishes no event: the
// caller knows when its transaction commits.
func (s *Service) CreateTx(ctx context.Context, tx *gorm.DB, in Input) (Inbox, error) {
	sc, err := s.validate(in, nil)
	if err != nil {
		return Inbox{}, err
	}
	// tx keeps the context InTx gave it: a write interrupted by the end of
	// ctx would roll back a transaction other callers share (group commit).
	var n int
	if err := tx.Raw(`SELECT COUNT(*) FROM inboxes WHERE name = ?`, in.Name).Scan(&n).Error; err != nil {
		return Inbox{}, err
	}
	if n > 0 {
		return Inbox{}, errs.New(errs.Conflict, "an inbox named %q already exists", in.Name)
	}
	now := s.opts.Now().UnixMilli()
	err = tx.Exec(`INSERT INTO inboxes(name, status, headers, body, delay_ms, fail_first, fail_rate, fail_seed, fail_status, secret,
		sync_mode, sync_errors, sync_patch, received, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		in.Name, sc.status, sc.headers, in.Body, in.DelayMs, in.FailFirst, in.FailRate, sc.seed, sc.failStatus, in.Secret,
		sc.sync.mode, sc.sync.errors, sc.sync.patch, now, now).Error
	if err != nil {
		return Inbox{}, err
	}
	return s.get(tx, in.Name)
}

// Update replaces an inbox's script and secret, and restarts its sequence:
// the next request is request 1 again for fail-first and fail-rate. The name
// cannot change; an Input.Name other than name is refused.
func (s *Service) Update(ctx context.Context, name string, in Input) (Inbox, error) {
	if in.Name == "" {
		in.Name = name
	}
	if in.Name != name {
		return Inbox{}, errs.InvalidField("name", "cannot be changed (from %q to %q); create a new inbox instead", name, in.Name)
	}
	var out Inbox
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		cur, err := s.get(tx, name)
		if err != nil {
			return err
		}
		sc, err := s.validate(in, &cur)
		if err != nil {
			return err
		}
		err = tx.Exec(`UPDATE inboxes SET status = ?, headers = ?, body = ?, delay_ms = ?, fail_first = ?, fail_rate = ?,
			fail_seed = ?, fail_status = ?, secret = ?, sync_mode = ?, sync_errors = ?, sync_patch = ?, received = 0, updated_at = ? WHERE name = ?`,
			sc.status, sc.headers, in.Body, in.DelayMs, in.FailFirst, in.FailRate, sc.seed, sc.failStatus, in.Secret,
			sc.sync.mode, sc.sync.errors, sc.sync.patch, s.opts.Now().UnixMilli(), name).Error
		if err != nil {
			return err
		}
		out, err = s.get(tx, name)
		return err
	})
	if err != nil {
		return Inbox{}, err
	}
	s.publish(Event{Kind: EventSaved, Inbox: name})
	return out, nil
}

// Delete removes an inbox and every request it recorded.
func (s *Service) Delete(ctx context.Context, name string) error {
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM inboxes WHERE name = ?`, name)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.publish(Event{Kind: EventDeleted, Inbox: name})
	return nil
}

// Clear removes an inbox's recorded requests. The script and its sequence
// position are kept: clearing the view does not change what the next
// request gets.
func (s *Service) Clear(ctx context.Context, name string) error {
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		if _, err := s.get(tx, name); err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM inbox_requests WHERE inbox = ?`, name).Error
	})
	if err != nil {
		return err
	}
	s.publish(Event{Kind: EventCleared, Inbox: name})
	return nil
}

// ListRequests returns one page of an inbox's requests, newest first, and
// how many it keeps in all. page and limit start at 1.
func (s *Service) ListRequests(ctx context.Context, name string, page, limit int) ([]RequestSummary, int, error) {
	if page < 1 {
		return nil, 0, errs.InvalidField("page", "must be a positive integer")
	}
	if limit < 1 || limit > s.opts.MaxRequests {
		return nil, 0, errs.InvalidField("limit", "must be between 1 and %d", s.opts.MaxRequests)
	}
	db := s.db.R.WithContext(ctx)
	var out []RequestSummary
	var total int
	// One read transaction so that the page and the total agree.
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := s.get(tx, name); err != nil {
			return err
		}
		if err := tx.Raw(`SELECT COUNT(*) FROM inbox_requests WHERE inbox = ?`, name).Scan(&total).Error; err != nil {
			return err
		}
		var rows []requestRow
		err := tx.Raw(`SELECT `+summaryColumnsOf(tx)+` FROM inbox_requests WHERE inbox = ? ORDER BY seq DESC LIMIT ? OFFSET ?`,
			name, limit, (page-1)*limit).Scan(&rows).Error
		if err != nil {
			return err
		}
		out = make([]RequestSummary, 0, len(rows))
		for _, r := range rows {
			out = append(out, r.summary())
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// GetRequest returns one recorded request in full.
func (s *Service) GetRequest(ctx context.Context, name, id string) (Request, error) {
	var rows []requestRow
	err := s.db.R.WithContext(ctx).Raw(`SELECT * FROM inbox_requests WHERE inbox = ? AND id = ?`, name, id).Scan(&rows).Error
	if err != nil {
		return Request{}, err
	}
	if len(rows) == 0 {
		if _, err := s.Get(ctx, name); err != nil {
			return Request{}, err
		}
		return Request{}, errs.New(errs.NotFound, "inbox %q has no request %q (only the newest %d are kept)", name, id, s.opts.MaxRequests)
	}
	return rows[0].request(), nil
}
