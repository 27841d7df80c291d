package api

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"hookline/backend/auth"
	"hookline/backend/errs"
)

// guard runs before every route. It refuses Host headers that are not a
// loopback name (DNS rebinding: a foreign page that re-points its own name at
// 127.0.0.1 still sends its own name as Host) and requests whose Origin is
// another site. No CORS headers are ever sent, so browsers keep foreign
// pages from reading any answer.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.opts.AllowRemote && !loopbackHost(r.Host) {
			writeJSON(w, http.StatusForbidden, map[string]any{"code": 403, "message": "Host " + r.Host + " is not allowed; use 127.0.0.1 or localhost"})
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

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
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

// authed accepts the UI session token (X-Hookline-Session header, or
// ?session= for EventSource, which cannot set headers) or an API key
// (X-AUTH-TOKEN header or ?auth_token=), and puts the role in the context.
func (s *Server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		role := s.roleOf(r)
		if role == auth.None {
			s.writeError(w, r, errs.New(errs.Unauthorized, "missing or invalid API key: send it in the X-AUTH-TOKEN header"))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithRole(r.Context(), role)))
	})
}

func (s *Server) roleOf(r *http.Request) auth.Role {
	k := s.opts.Keys
	if t := r.Header.Get("X-Hookline-Session"); t != "" {
		if k.CheckSession(t) {
			return auth.ReadWrite
		}
		return auth.None
	}
	if t := r.URL.Query().Get("session"); t != "" && r.Method == http.MethodGet {
		if k.CheckSession(t) {
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
		if !s.opts.Keys.CheckSession(r.Header.Get("X-Hookline-Session")) {
			s.writeError(w, r, errs.New(errs.Forbidden, "this action is only available from the Hookline app itself, not through the API"))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithRole(r.Context(), auth.ReadWrite)))
	})
}
