package dbconfig

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Options configures a Service. Zero fields get defaults.
type Options struct {
	// DataDir holds the file.
	DataDir string
	// Running is what this process opened; Location is how it names it
	// (the SQLite file, or the URL with its password masked).
	Running  Choice
	Location string
	// TestTimeout bounds a connection test (connect and read). Default 5s.
	TestTimeout time.Duration
}

// Service is Settings' view of the database choice: what runs, what is
// saved for the next start, and testing, saving and clearing a URL.
type Service struct {
	opts Options
	// mu keeps a save and a clear from interleaving with each other.
	mu sync.Mutex
}

// New returns the service for one running Hookline.
func New(opts Options) *Service {
	if opts.TestTimeout <= 0 {
		opts.TestTimeout = 5 * time.Second
	}
	if opts.Running.Source == "" {
		opts.Running.Source = FromDefault
	}
	return &Service{opts: opts}
}

// View is what Settings shows. No field ever holds a password.
type View struct {
	// Engine is what this run uses: "sqlite" or "postgres".
	Engine string `json:"engine"`
	// Location is the SQLite file, or the URL with its password masked.
	Location string `json:"location"`
	// Source is where this run's database was chosen.
	Source Source `json:"source"`
	// PinnedBy names the flag or variable that decides, when one does;
	// Settings cannot change the database then.
	PinnedBy string `json:"pinnedBy"`
	// File is the path of database.json.
	File string `json:"file"`
	// Saved is the URL in the file, masked; "" when there is no file.
	Saved string `json:"saved"`
	// RestartNeeded is true when the next start would open another
	// database than this run did.
	RestartNeeded bool `json:"restartNeeded"`
	// Next is the engine of the next start ("sqlite" or "postgres").
	Next string `json:"next"`
}

// TestResult is a successful connection test.
// The fields are store.Probe's, spelled out (rather than embedded) for the
// Wails bindings' generated models.
type TestResult struct {
	// URL is the tested URL, masked.
	URL           string `json:"url"`
	ServerVersion string `json:"serverVersion"`
	Schema        string `json:"schema"`
	// SchemaVersion is 0 when Hookline has not used the schema yet.
	SchemaVersion int `json:"schemaVersion"`
	KnownVersion  int `json:"knownVersion"`
	OtherTables   int `json:"otherTables"`
}

func engineOf(u string) string {
	if u == "" {
		return "sqlite"
	}
	return "postgres"
}

// Current reports the running database and the saved choice. A file that
// became unreadable since the start is reported as an error naming it.
func (s *Service) Current() (View, error) {
	r := s.opts.Running
	v := View{Engine: engineOf(r.URL), Location: s.opts.Location, Source: r.Source, File: Path(s.opts.DataDir)}
	switch r.Source {
	case FromFlag:
		v.PinnedBy = "--database"
	case FromEnv:
		v.PinnedBy = EnvVar
	}
	saved, ok, err := Load(s.opts.DataDir)
	if err != nil {
		return View{}, errs.New(errs.Invalid, "%s", err.Error())
	}
	if ok {
		v.Saved = store.RedactURL(saved)
	}
	next := r.URL
	if !r.Pinned() {
		next = saved
	}
	v.Next = engineOf(next)
	v.RestartNeeded = next != r.URL
	return v, nil
}

// Test opens u with a short timeout and looks at it without changing it
// (see store.ProbePostgres). A URL that is malformed, unreachable, refused
// or migrated by a newer Hookline is a field error on "url".
func (s *Service) Test(ctx context.Context, u string) (TestResult, error) {
	u = strings.TrimSpace(u)
	if err := Check(u); err != nil {
		return TestResult{}, errs.InvalidField("url", "%s", err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.TestTimeout)
	defer cancel()
	p, err := store.ProbePostgres(ctx, u)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			msg = "no answer within " + s.opts.TestTimeout.String() + " (" + msg + ")"
		}
		if !errors.Is(err, store.ErrTooNew) {
			msg = "cannot connect: " + msg
		}
		return TestResult{}, errs.InvalidField("url", "%s", msg)
	}
	return TestResult{URL: store.RedactURL(u), ServerVersion: p.ServerVersion, Schema: p.Schema,
		SchemaVersion: p.SchemaVersion, KnownVersion: p.KnownVersion, OtherTables: p.OtherTables}, nil
}

// Save tests u and, when the test passes, writes it for the next start.
// A URL that cannot be opened now is not saved: the next start would fail
// on it. Refused when the flag or the environment decides.
func (s *Service) Save(ctx context.Context, u string) (View, error) {
	if err := s.refusePinned(); err != nil {
		return View{}, err
	}
	u = strings.TrimSpace(u)
	if _, err := s.Test(ctx, u); err != nil {
		return View{}, err
	}
	s.mu.Lock()
	err := Save(s.opts.DataDir, u)
	s.mu.Unlock()
	if err != nil {
		return View{}, err
	}
	return s.Current()
}

// Clear removes the saved URL: the next start uses SQLite in the data
// folder. Refused when the flag or the environment decides.
func (s *Service) Clear() (View, error) {
	if err := s.refusePinned(); err != nil {
		return View{}, err
	}
	s.mu.Lock()
	err := Remove(s.opts.DataDir)
	s.mu.Unlock()
	if err != nil {
		return View{}, err
	}
	return s.Current()
}

func (s *Service) refusePinned() error {
	switch s.opts.Running.Source {
	case FromFlag:
		return errs.New(errs.Conflict, "the database is set by --database for this run and cannot be changed in Settings")
	case FromEnv:
		return errs.New(errs.Conflict, "the database is set by %s and cannot be changed in Settings; unset it to choose here", EnvVar)
	}
	return nil
}
