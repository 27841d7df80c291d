// Package api serves Hookline over HTTP: the Flotiq-compatible REST API, the
// UI's own browser transport, Server-Sent Events and the bundled frontend.
package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/dbconfig"
	"hookline/backend/delivery"
	"hookline/backend/events"
	"hookline/backend/inbox"
	"hookline/backend/media"
	"hookline/backend/store"
	"hookline/backend/syncwebhook"
	"hookline/backend/webhook"
)

// Options configures a Server. Zero fields get defaults where they have one.
type Options struct {
	DB       *store.DB
	Keys     *auth.Keys
	Bus      *events.Bus
	Content  *content.Service
	Delivery *delivery.Service
	Trigger  *webhook.Trigger
	Sync     *syncwebhook.Runner
	Inbox    *inbox.Service
	// Frontend is the built UI (frontend/dist). Nil serves a plain notice.
	Frontend fs.FS
	// AllowedHosts are the names and addresses a Host header may carry
	// besides loopback ones and the listen address (--allowed-hosts).
	AllowedHosts []string
	Logger       *slog.Logger
	// Info is shown to the UI in Settings (data folder, listen address...).
	Info func() map[string]any
	// Settings reads and saves the delivery settings.
	Settings SettingsStore
	// LoadDemo creates the first-run sample data.
	LoadDemo func(ctx context.Context) (any, error)
	// Limits of the listener; zero fields get the defaults below.
	Limits Limits
	// Media stores and serves the media library's files; nil disables
	// /api/media and /image.
	Media *media.Service
	// MediaConfig reads and saves the media settings (upload cap).
	MediaConfig MediaConfig
	// Transfers runs .flotiq imports and exports for Settings.
	Transfers Transfers
	// Database is Settings' choice of database (the UI session only); nil
	// leaves its routes out.
	Database *dbconfig.Service
}

// Limits bound what one client can hold of the server. Reading a request
// (headers and body) must finish within ReadTimeout. Once a body has been
// read to its end, net/http clears the read deadline, so the inbox's
// scripted delays (up to 120 s) and the event stream outlast it
// (TestLongDelaysOutlastReadTimeout). No write timeout is set: it would cut
// those short.
type Limits struct {
	ReadHeaderTimeout time.Duration // default 10s
	ReadTimeout       time.Duration // default 30s
	IdleTimeout       time.Duration // default 60s
	// MaxHeaderBytes caps the request line (with its query string) and
	// headers; more is answered 431 by net/http. Default 64 KiB.
	MaxHeaderBytes int
	// MaxConns caps concurrent connections per listener; more wait in the
	// kernel's accept queue. Default 512.
	MaxConns int
	// AuthFailureBurst wrong keys per remote address are answered 401,
	// then one per AuthFailureEvery; beyond, 429 (see throttle).
	AuthFailureBurst int
	AuthFailureEvery time.Duration
	// MaxFanout bounds the webhook deliveries one request may queue.
	// Default webhook.MaxFanoutPerRequest.
	MaxFanout int
}

// Defaults for Limits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxConns          = 512
)

func (l *Limits) defaults() {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = DefaultReadTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
	}
	if l.AuthFailureBurst <= 0 {
		l.AuthFailureBurst = DefaultAuthFailureBurst
	}
	if l.AuthFailureEvery <= 0 {
		l.AuthFailureEvery = DefaultAuthFailureEvery
	}
	if l.MaxFanout <= 0 {
		l.MaxFanout = webhook.MaxFanoutPerRequest
	}
}

// Server is the HTTP side of Hookline.
type Server struct {
	opts    Options
	log     *slog.Logger
	content *content.Service
	inbox   *inbox.Service
	handler http.Handler
	hosts   *hostList
	fails   *throttle
	srv     *http.Server
	addr    string
	// stop ends long-lived streams (SSE) and silent closes connections that
	// sent nothing, so that Shutdown is not held up waiting for them. srvMu
	// guards srv, stop, silent and shut.
	stop   context.CancelFunc
	silent *silentConns
	srvMu  sync.Mutex
	shut   bool
}

// New builds the server and its routes.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts.Limits.defaults()
	s := &Server{opts: opts, log: opts.Logger, content: opts.Content, inbox: opts.Inbox, hosts: newHostList(opts.AllowedHosts),
		fails: newThrottle(opts.Limits.AuthFailureEvery, opts.Limits.AuthFailureBurst)}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.guard(mux)
	return s
}

// Handler returns the full handler, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /api/ui/events", s.authed(http.HandlerFunc(s.handleEvents)))
	mux.Handle("GET /api/ui/info", s.authed(http.HandlerFunc(s.handleInfo)))
	s.handle(mux, "GET /api/ui/keys", s.authed, s.handleKeys)
	s.handle(mux, "POST /api/ui/keys/{which}", s.authed, s.handleRegenerateKey)
	s.handle(mux, "POST /api/ui/demo", s.uiOnly, s.handleLoadDemo)
	s.handle(mux, "GET /api/ui/settings", s.authed, s.handleGetSettings)
	s.handle(mux, "PUT /api/ui/settings", s.authed, s.handleSaveSettings)
	s.contentRoutes(mux)
	s.inboxRoutes(mux)
	s.webhookRoutes(mux)
	s.syncWebhookRoutes(mux)
	s.mediaRoutes(mux)
	s.openAPIRoutes(mux)
	s.deliveryRoutes(mux)
	s.databaseRoutes(mux)
	mux.Handle("/api/", s.authed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "no such endpoint: " + r.Method + " " + r.URL.Path})
	})))
	mux.HandleFunc("/", s.handleFrontend)
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers fn behind wrap (authed, uiOnly…). An error fn returns is
// answered by writeError, the one place errors become HTTP answers.
func (s *Server) handle(mux *http.ServeMux, pattern string, wrap func(http.Handler) http.Handler, fn handlerFunc) {
	mux.Handle(pattern, wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})))
}

// Listen binds addr. With port 0 the kernel picks a free port; Addr reports it.
func (s *Server) Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && strings.Contains(err.Error(), "address already in use") {
			return nil, fmt.Errorf("cannot listen on %s: the port is already in use (choose another with --addr, or 127.0.0.1:0 for any free port)", addr)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	s.addr = ln.Addr().String()
	// The address asked for and the one bound are names a client of this
	// listener uses; both are allowed as Host.
	s.hosts.add(addr)
	s.hosts.add(s.addr)
	return netutil.LimitListener(ln, s.opts.Limits.MaxConns), nil
}

// Addr is the address actually bound.
func (s *Server) Addr() string { return s.addr }

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	base, stop := context.WithCancel(context.Background())
	silent := newSilentConns()
	srv := &http.Server{
		ConnState:         silent.track,
		BaseContext:       func(net.Listener) context.Context { return base },
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.Limits.ReadHeaderTimeout,
		ReadTimeout:       s.opts.Limits.ReadTimeout,
		IdleTimeout:       s.opts.Limits.IdleTimeout,
		MaxHeaderBytes:    s.opts.Limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	// Serve runs on its own goroutine: Shutdown may come first (a Close
	// right after Start), and must then keep it from serving at all.
	s.srvMu.Lock()
	if s.shut {
		s.srvMu.Unlock()
		stop()
		return ln.Close()
	}
	s.srv, s.stop, s.silent = srv, stop, silent
	s.srvMu.Unlock()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	s.srvMu.Lock()
	s.shut = true
	srv, stop, silent := s.srv, s.stop, s.silent
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	stop()
	silent.closeAll()
	return srv.Shutdown(ctx)
}
