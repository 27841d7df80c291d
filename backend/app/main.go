// Package app assembles Hookline: it is the one place that knows every
// service, opens them in order and closes them in reverse. Both the desktop
// shell and `hookline serve` run an app.Main.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"hookline/backend/api"
	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/dbconfig"
	"hookline/backend/delivery"
	"hookline/backend/demo"
	"hookline/backend/events"
	"hookline/backend/inbox"
	"hookline/backend/media"
	"hookline/backend/settings"
	"hookline/backend/store"
	"hookline/backend/syncwebhook"
	"hookline/backend/webhook"
)

// Shutdown budget: in-flight API requests get ServerDrainTimeout to finish,
// then in-flight webhook attempts get AttemptDrainTimeout before they are
// cut short and their claims released (they are sent again after restart).
const (
	ServerDrainTimeout  = 1500 * time.Millisecond
	AttemptDrainTimeout = 2 * time.Second
)

// Version is Hookline's version, shown in Settings and sent as User-Agent.
const Version = "0.1.0"

// Main is a running Hookline.
type Main struct {
	Config   Config
	Log      *slog.Logger
	DB       *store.DB
	Keys     *auth.Keys
	Bus      *events.Bus
	Content  *content.Service
	Delivery *delivery.Service
	Trigger  *webhook.Trigger
	Sync     *syncwebhook.Runner
	Inbox    *inbox.Service
	Media    *media.Service
	Server   *api.Server
	// Database is Settings' choice of database for the next start.
	Database *dbconfig.Service

	portNote string
	// transfers runs .flotiq imports and exports (see transfer.go).
	transfers transfers
	// delivery is the configuration the pool runs with: flags, else
	// Settings, else defaults.
	delivery settings.Parsed
	serveErr chan error
	closeMu  sync.Once
	unlock   func()
}

// Open creates the data folder, opens the database and builds the services.
// Nothing listens or sends until Start.
func Open(ctx context.Context, cfg Config, frontend fs.FS, log *slog.Logger) (*Main, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.DatabaseSource == "" {
		cfg.DatabaseSource = dbconfig.FromDefault
		if cfg.DatabaseURL != "" {
			cfg.DatabaseSource = dbconfig.FromFlag
		}
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	db, unlock, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	m := &Main{Config: cfg, Log: log, DB: db, Bus: events.NewBus(), serveErr: make(chan error, 1), unlock: unlock}
	m.Database = dbconfig.New(dbconfig.Options{
		DataDir:  cfg.DataDir,
		Running:  dbconfig.Choice{URL: cfg.DatabaseURL, Source: cfg.DatabaseSource},
		Location: db.Path(),
	})
	if m.Keys, err = auth.Load(ctx, db, cfg.APIKey); err != nil {
		db.Close()
		unlock()
		return nil, fmt.Errorf("load API keys: %w", err)
	}
	eff, err := m.effectiveDelivery(ctx)
	if err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	m.delivery = eff
	m.Delivery = delivery.New(db, delivery.Options{
		Workers:     eff.Workers,
		Timeout:     eff.Timeout,
		RetryDelays: eff.RetryDelays,
		LeaseTTL:    cfg.LeaseTTL,
		ExtendEvery: cfg.LeaseExtend,
		Logger:      log,
		Bus:         m.Bus,
		UserAgent:   cfg.userAgent(),
	})
	m.Trigger = webhook.NewTrigger(db, m.Delivery)
	knownType := func(name string) bool {
		_, err := m.Content.GetType(context.Background(), name, content.GetTypeOptions{})
		return err == nil || m.transfers.importing(name)
	}
	if m.Media, err = m.openMedia(); err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	m.Sync = syncwebhook.New(syncwebhook.Options{
		Definitions: m.Trigger.Definitions,
		Logs:        m.Delivery,
		UserAgent:   "Hookline/" + Version,
		Logger:      log,
	})
	m.Content = content.New(db, content.Options{
		Hook:     hooks{m.Trigger, newContentEvents(m.Bus), m.Media},
		PreSave:  m.Sync,
		Internal: append([]content.InternalType{webhook.InternalType(knownType)}, media.InternalTypes()...),
	})
	m.Trigger.SetContent(m.Content)
	m.Media.SetContent(m.Content)
	if err := m.sweepMedia(ctx); err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	m.Inbox = inbox.New(db, inbox.Options{Bus: m.Bus, Logger: log})
	m.Server = api.New(api.Options{
		DB:           db,
		Keys:         m.Keys,
		Bus:          m.Bus,
		Content:      m.Content,
		Delivery:     m.Delivery,
		Trigger:      m.Trigger,
		Sync:         m.Sync,
		Inbox:        m.Inbox,
		Frontend:     frontend,
		AllowedHosts: cfg.AllowedHosts,
		Limits:       cfg.Limits,
		Logger:       log,
		Info:         func() map[string]any { return m.Info().asMap() },
		LoadDemo:     func(ctx context.Context) (any, error) { return m.LoadDemo(ctx) },
		Settings:     m,
		Media:        m.Media,
		MediaConfig:  m,
		Transfers:    m,
		Database:     m.Database,
	})
	return m, nil
}

// prepareDataDir makes sure dir exists (mode 0700) and can be written, and
// says which folder when it cannot.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data folder %s cannot be created: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data folder %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Start binds the HTTP server and starts serving. In desktop mode a busy
// default port falls back to any free port, noted in Settings.
func (m *Main) Start(ctx context.Context) error {
	ln, err := m.Server.Listen(m.Config.Addr)
	if err != nil && m.Config.AddrFallback {
		host, _, _ := net.SplitHostPort(m.Config.Addr)
		var err2 error
		ln, err2 = m.Server.Listen(net.JoinHostPort(host, "0"))
		if err2 != nil {
			return errors.Join(err, err2)
		}
		m.portNote = fmt.Sprintf("%s was busy, so Hookline took %s instead.", m.Config.Addr, ln.Addr())
		m.Log.Warn("default port busy", slog.String("wanted", m.Config.Addr), slog.String("got", ln.Addr().String()))
	} else if err != nil {
		return err
	}
	// This process holds the data folder's lock, so claims left in the
	// queue belong to a Hookline that died: send them now, not after
	// their lease. On a shared database they may belong to a live
	// instance: they come back when their lease runs out.
	if !m.DB.Shared() {
		if n, err := m.Delivery.ReleaseAbandonedClaims(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("release abandoned claims: %w", err)
		} else if n > 0 {
			m.Log.Info("released deliveries claimed by a previous run", slog.Int64("count", n))
		}
	}
	// The pool outlives ctx (a signal context in serve mode): it stops only
	// through Close, gracefully.
	if err := m.Delivery.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return fmt.Errorf("start delivery workers: %w", err)
	}
	go func() { m.serveErr <- m.Server.Serve(ln) }()
	return nil
}

// LoadDemo creates the first-run sample (see backend/demo), pointing its
// webhook at this process's own inbox.
func (m *Main) LoadDemo(ctx context.Context) (demo.Result, error) {
	return demo.Loader{Content: m.Content, Inbox: m.Inbox, BaseURL: m.URL()}.Load(ctx)
}

// URL is the base URL of the HTTP server.
func (m *Main) URL() string { return "http://" + m.Server.Addr() }

// Done delivers the HTTP server's exit error, if it stops on its own.
func (m *Main) Done() <-chan error { return m.serveErr }

// Close stops taking requests, lets in-flight work finish or releases it,
// then closes the database. It is safe to call more than once.
func (m *Main) Close(ctx context.Context) error {
	var err error
	m.closeMu.Do(func() {
		// Requests first (no new changes), then the pool (in-flight
		// attempts finish or their claims are released), then the database.
		// Each stage gets a slice of ctx, so a slow receiver holding an
		// attempt open cannot eat the whole budget: exit stays well inside
		// the 5 s that SIGTERM promises.
		srvCtx, cancelSrv := context.WithTimeout(ctx, ServerDrainTimeout)
		defer cancelSrv()
		srvErr := m.Server.Shutdown(srvCtx)
		stopCtx, cancelStop := context.WithTimeout(ctx, AttemptDrainTimeout)
		defer cancelStop()
		if stopErr := m.Delivery.Stop(stopCtx); stopErr != nil {
			// Attempts cut short had their claims released: they are sent
			// again after the next start, so this is not a failed shutdown.
			m.Log.Warn("delivery stop", slog.Any("err", stopErr))
		}
		err = errors.Join(srvErr, m.DB.Close())
		m.unlock()
	})
	return err
}

// effectiveDelivery is the configuration the pool starts with.
func (m *Main) effectiveDelivery(ctx context.Context) (settings.Parsed, error) {
	stored, err := settings.Load(ctx, m.DB)
	if err != nil {
		return settings.Parsed{}, err
	}
	return m.mergeDelivery(stored), nil
}

// mergeDelivery puts the flags over the stored settings over the defaults.
func (m *Main) mergeDelivery(stored settings.Delivery) settings.Parsed {
	p, err := stored.Validate()
	if err != nil {
		// A bad stored value must not stop the app from starting: fall
		// back to defaults and say so.
		m.Log.Warn("ignoring invalid stored delivery settings", slog.Any("err", err))
		p = settings.Parsed{}
	}
	if m.Config.Workers > 0 {
		p.Workers = m.Config.Workers
	}
	if m.Config.Timeout > 0 {
		p.Timeout = m.Config.Timeout
	}
	if len(m.Config.RetryDelays) > 0 {
		p.RetryDelays = m.Config.RetryDelays
	}
	if p.Workers == 0 {
		p.Workers = delivery.DefaultWorkers
	}
	if p.Timeout == 0 {
		p.Timeout = delivery.DefaultTimeout
	}
	if len(p.RetryDelays) == 0 {
		p.RetryDelays = delivery.DefaultRetryDelays()
	}
	return p
}

// Settings returns the delivery settings.
func (m *Main) Settings(ctx context.Context) (settings.View, error) {
	stored, err := settings.Load(ctx, m.DB)
	if err != nil {
		return settings.View{}, err
	}
	v := settings.View{Stored: stored, Running: format(m.delivery), Flags: []string{}}
	if m.Config.Workers > 0 {
		v.Flags = append(v.Flags, "workers")
	}
	if m.Config.Timeout > 0 {
		v.Flags = append(v.Flags, "timeout")
	}
	if len(m.Config.RetryDelays) > 0 {
		v.Flags = append(v.Flags, "retryDelays")
	}
	v.RestartNeeded = fmt.Sprint(format(m.mergeDelivery(stored))) != fmt.Sprint(v.Running)
	return v, nil
}

// SaveSettings validates and stores the delivery settings. They apply from
// the next start: the pool's size and schedule are fixed while it runs.
func (m *Main) SaveSettings(ctx context.Context, d settings.Delivery) (settings.View, error) {
	if _, err := settings.Save(ctx, m.DB, d); err != nil {
		return settings.View{}, err
	}
	return m.Settings(ctx)
}

func format(p settings.Parsed) settings.Delivery {
	d := settings.Delivery{Workers: p.Workers, Timeout: p.Timeout.String(), RetryDelays: []string{}}
	for _, r := range p.RetryDelays {
		d.RetryDelays = append(d.RetryDelays, r.String())
	}
	return d
}

// Info describes this running Hookline for Settings.
type Info struct {
	Version       string `json:"version"`
	Mode          string `json:"mode"`
	DataDir       string `json:"dataDir"`
	Database      string `json:"database"`
	APIURL        string `json:"apiUrl"`
	PortNote      string `json:"portNote,omitempty"`
	SchemaVersion int    `json:"schemaVersion"`
}

// Info returns what Settings shows.
func (m *Main) Info() Info {
	return Info{
		Version:       Version,
		Mode:          m.Config.Mode,
		DataDir:       m.Config.DataDir,
		Database:      m.DB.Path(),
		APIURL:        m.URL(),
		PortNote:      m.portNote,
		SchemaVersion: store.SchemaVersion(),
	}
}

func (i Info) asMap() map[string]any {
	return map[string]any{
		"version": i.Version, "mode": i.Mode, "dataDir": i.DataDir, "database": i.Database,
		"apiUrl": i.APIURL, "portNote": i.PortNote, "schemaVersion": i.SchemaVersion,
	}
}
