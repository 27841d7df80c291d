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
	"time"

	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/events"
	"hookline/backend/inbox"
	"hookline/backend/store"
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
	Inbox    *inbox.Service
	// Frontend is the built UI (frontend/dist). Nil serves a plain notice.
	Frontend fs.FS
	// AllowRemote accepts any Host header. Only with --allow-remote.
	AllowRemote bool
	Logger      *slog.Logger
	// Info is shown to the UI in Settings (data folder, listen address...).
	Info func() map[string]any
	// Settings reads and saves the delivery settings.
	Settings SettingsStore
	// LoadDemo creates the first-run sample data.
	LoadDemo func(ctx context.Context) (any, error)
}

// Server is the HTTP side of Hookline.
type Server struct {
	opts    Options
	log     *slog.Logger
	content *content.Service
	inbox   *inbox.Service
	handler http.Handler
	srv     *http.Server
	addr    string
	// stop ends long-lived streams (SSE) so that Shutdown is not held up
	// waiting for them.
	stop context.CancelFunc
}

// New builds the server and its routes.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{opts: opts, log: opts.Logger, content: opts.Content, inbox: opts.Inbox}
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
	s.deliveryRoutes(mux)
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
	return ln, nil
}

// Addr is the address actually bound.
func (s *Server) Addr() string { return s.addr }

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	base, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.srv = &http.Server{
		BaseContext:       func(net.Listener) context.Context { return base },
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	s.stop()
	return s.srv.Shutdown(ctx)
}
