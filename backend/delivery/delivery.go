// Package delivery is Hookline's webhook delivery engine: a durable queue in
// SQLite that is filled inside the transaction of the change that triggers
// it, a worker pool that drains it over HTTP with retries and Standard
// Webhooks signatures, and the execution logs that the queue rows double as.
//
// The path of one delivery:
//
//	EnqueueTx (caller's tx) → commit → Notify → dispatcher claims a batch
//	(a lease) → a worker sends one attempt → the completer writes a batch of
//	outcomes in one transaction, applies retention, publishes events.
//
// Guarantees: a rolled-back change sends nothing; a committed one is sent at
// least once, even across crashes (claims are leases: a crashed process's
// rows come back after LeaseTTL) and restarts (retry times are stored). Every
// attempt of one delivery, and every redelivery of it, carries the same
// webhook-id, so receivers can drop repeats.
package delivery

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"hookline/backend/events"
	"hookline/backend/store"
)

// Statuses of an execution log, as the seed names them.
const (
	StatusPending = "pending" // queued, or waiting for a retry
	StatusDone    = "done"    // a 2xx response arrived
	StatusError   = "error"   // gave up: 410, or the retry schedule ran out
)

// Header is one HTTP header, in the order it is sent or was received.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NewDelivery is one delivery to queue: everything needed to send it, taken
// as a snapshot so that a later edit of the webhook or the object does not
// change what this execution sends.
type NewDelivery struct {
	WebhookID   string
	Action      string
	ContentType string
	ObjectID    string
	URL         string
	// Headers are the webhook's own headers, already validated.
	Headers []Header
	// Secret is the signing secret ("whsec_…"), or "" for unsigned requests.
	// It is stored with the queued row and used only to sign; it never
	// appears in an attempt record, a log, an event or an error.
	Secret string
	// TLSCAPEM is PEM certificates the receiver may present besides the
	// system's roots (a local self-signed https receiver); "" for none.
	TLSCAPEM string
	Body     []byte
}

// Options configures the service. Zero fields get defaults.
type Options struct {
	// Workers is the number of concurrent attempts. Default 8.
	Workers int
	// BatchSize is the most deliveries claimed in one transaction. Default 128.
	// Completions are grouped up to this many per transaction too, which
	// bounds the outcomes (responses, JSON) held in memory at once.
	BatchSize int
	// LeaseTTL is how long a claim lasts without being extended. Claims
	// held by a running pool are extended every LeaseTTL/3, so only a
	// crashed or hung process loses them. Default 60s.
	LeaseTTL time.Duration
	// ExtendEvery is how often a running pool renews its leases. Default
	// LeaseTTL/3; it must be shorter than LeaseTTL.
	ExtendEvery time.Duration
	// Timeout bounds one HTTP request, body included. Default 10s.
	Timeout time.Duration
	// RetryDelays is the wait after each failed attempt, jittered ±20%;
	// one more attempt than delays is made. Default 10s, 1m, 5m, 30m, 2h.
	// Ignored when Retry is set.
	RetryDelays []time.Duration
	// Retry overrides the retry policy built from RetryDelays.
	Retry RetryPolicy
	// QuickRetries is how many times one attempt is repeated at once, after
	// a short wait, to ride out a network blip (connection refused or reset,
	// 502/503/504 without Retry-After). Default 2; negative disables.
	QuickRetries int
	// RetentionPerWebhook is how many finished logs each webhook keeps.
	// Default 300, as the seed promises.
	RetentionPerWebhook int
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Rand drives retry jitter. Default: a random source.
	Rand rand.Source
	// Logger receives engine errors; default discard. It also receives
	// go-retryablehttp's own logging, at debug level.
	Logger *slog.Logger
	// Bus, when set, gets an Event{Type: "delivery", Data: LogSummary}
	// whenever a log appears or changes.
	Bus *events.Bus
	// UserAgent is sent with every request. Default "Hookline".
	UserAgent string
	// HTTPClient replaces the sender's client (tests). Its Timeout and
	// CheckRedirect are overwritten: attempts are always bounded and
	// redirects never followed.
	HTTPClient *http.Client
}

// Defaults for the settings a user can change (Settings, serve flags); the
// app shows them as what runs when nothing overrides them.
const (
	DefaultWorkers = 8
	DefaultTimeout = 10 * time.Second
)

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 128
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 60 * time.Second
	}
	if o.ExtendEvery <= 0 || o.ExtendEvery >= o.LeaseTTL {
		o.ExtendEvery = o.LeaseTTL / 3
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if len(o.RetryDelays) == 0 {
		o.RetryDelays = DefaultRetryDelays()
	}
	if o.QuickRetries == 0 {
		o.QuickRetries = 2
	} else if o.QuickRetries < 0 {
		o.QuickRetries = 0
	}
	if o.RetentionPerWebhook <= 0 {
		o.RetentionPerWebhook = 300
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.NewPCG(rand.Uint64(), rand.Uint64())
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.UserAgent == "" {
		o.UserAgent = "Hookline"
	}
	if o.Retry == nil {
		o.Retry = NewSchedule(o.RetryDelays, 0.2, o.Rand)
	}
}

// Service is the delivery engine: the queue (EnqueueTx, Notify), the worker
// pool (Start, Stop) and the execution logs (ListLogs, GetLog, Redeliver,
// LastStatus). One Service per database.
type Service struct {
	db   *store.DB
	opts Options
	send *sender
	// wake coalesces Notify calls: one buffered token is enough to make the
	// dispatcher look again, however many commits happened meanwhile.
	wake chan struct{}

	mu  sync.Mutex
	run *run // nil while stopped

	// remote carries the seqs of deliveries other instances changed, on a
	// shared database (see shared.go); nil otherwise.
	remote chan int64
	// inserted carries the seq ranges of deliveries queued by any instance,
	// and announced records which of them were shown as pending, on a
	// shared database; nil otherwise.
	inserted  chan [2]int64
	announced *seqSet
}

// New returns a stopped Service over db.
func New(db *store.DB, opts Options) *Service {
	opts.defaults()
	s := &Service{
		db:   db,
		opts: opts,
		send: newSender(opts),
		wake: make(chan struct{}, 1),
	}
	s.watchShared()
	return s
}

// Notify wakes the pool to look for due deliveries. Call it after a
// transaction that ran EnqueueTx commits. It never blocks, and calls made
// while the pool is busy or stopped coalesce into one.
func (s *Service) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
