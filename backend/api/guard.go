package api

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"hookline/backend/auth"
	"hookline/backend/errs"
	"hookline/backend/webhook"
)

// guard runs before every route. It refuses Host headers that are not on
// the allow-list (DNS rebinding: a foreign page that re-points its own name
// at 127.0.0.1 still sends its own name as Host) and requests whose Origin is
// another site. The allow-list holds in every mode, --allow-remote included.
// No CORS headers are ever sent, so browsers keep foreign pages from reading
// any answer.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hosts.allowed(r.Host) {
			writeJSON(w, http.StatusForbidden, map[string]any{"code": 403, "message": "Host " + r.Host + " is not allowed; use 127.0.0.1 or localhost, or add the name to --allowed-hosts"})
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
			writeJSON(w, http.StatusForbidden, map[string]any{"code": 403, "message": "cross-origin requests are not allowed"})
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// hostOnly is the host of a Host header or address, without port or brackets.
func hostOnly(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return strings.Trim(host, "[]")
}

// hostList is the Host allow-list: loopback names and addresses always, plus
// the names and addresses configured (Options.AllowedHosts) and the one the
// server listens on.
type hostList struct {
	mu    sync.RWMutex
	names map[string]bool
}

func newHostList(extra []string) *hostList {
	l := &hostList{names: map[string]bool{}}
	for _, h := range extra {
		l.add(h)
	}
	return l
}

func (l *hostList) add(host string) {
	host = strings.ToLower(hostOnly(host))
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return // 0.0.0.0 or [::] means "every address", not a name to expect
	}
	l.mu.Lock()
	l.names[host] = true
	l.mu.Unlock()
}

func (l *hostList) allowed(hostport string) bool {
	if loopbackHost(hostport) {
		return true
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.names[strings.ToLower(hostOnly(hostport))]
}

func loopbackHost(hostport string) bool {
	host := hostOnly(hostport)
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sameOrigin(origin, host string) bool {
	if origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	// The Wails webview loads from its own scheme and never reaches here
	// with an Origin; only our own page's origin is accepted.
	return (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, host)
}

// localPage reports whether r comes from a browser on this machine that
// asked for a loopback name: the only place the session token is handed out
// (see handleFrontend), and so the only place it is accepted back.
func localPage(r *http.Request) bool {
	return loopbackHost(r.RemoteAddr) && loopbackHost(r.Host)
}

// authed accepts the UI session token (X-Hookline-Session header, or
// ?session= for EventSource, which cannot set headers) or an API key
// (X-AUTH-TOKEN header or ?auth_token=), and puts the role in the context.
func (s *Server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := hostOnly(r.RemoteAddr)
		if blocked, wait := s.fails.blocked(addr); blocked && !hasSession(r) {
			w.Header().Set("Retry-After", retryAfter(wait))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": "too many requests with a wrong API key from this address; try again in " + retryAfter(wait) + " s"})
			return
		}
		role := s.roleOf(r)
		if role == auth.None {
			s.fails.failed(addr)
			s.writeError(w, r, errs.New(errs.Unauthorized, "missing or invalid API key: send it in the X-AUTH-TOKEN header"))
			return
		}
		ctx := webhook.WithFanoutBudget(auth.WithRole(r.Context(), role), int64(s.opts.Limits.MaxFanout))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// hasSession reports whether r carries a UI session token (checked, or not,
// by roleOf).
func hasSession(r *http.Request) bool {
	return r.Header.Get("X-Hookline-Session") != "" || (r.Method == http.MethodGet && r.URL.Query().Get("session") != "")
}

func (s *Server) roleOf(r *http.Request) auth.Role {
	k := s.opts.Keys
	if t := r.Header.Get("X-Hookline-Session"); t != "" {
		if localPage(r) && k.CheckSession(t) {
			return auth.ReadWrite
		}
		return auth.None
	}
	if t := r.URL.Query().Get("session"); t != "" && r.Method == http.MethodGet {
		if localPage(r) && k.CheckSession(t) {
			return auth.ReadWrite
		}
		return auth.None
	}
	key := r.Header.Get("X-AUTH-TOKEN")
	if key == "" {
		key = r.URL.Query().Get("auth_token")
	}
	return k.Check(key)
}

// uiOnly accepts only the app's own UI (the per-launch session token), never
// an API key: it guards what Flotiq's API does not offer, such as
// triggering a Custom webhook.
func (s *Server) uiOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !localPage(r) || !s.opts.Keys.CheckSession(r.Header.Get("X-Hookline-Session")) {
			s.writeError(w, r, errs.New(errs.Forbidden, "this action is only available from the Hookline app itself, not through the API"))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithRole(r.Context(), auth.ReadWrite)))
	})
}
