package api

import (
	"net"
	"net/http"
	"sync"
)

// silentConns tracks the connections that have not sent a byte yet.
// http.Server.Shutdown counts such a connection as busy for its first 5 s
// (golang/go#22682), so one HTTP client's spare pooled connection, or a port
// probe, would hold a graceful stop past the app's whole drain budget and
// turn a clean SIGTERM into "context deadline exceeded". None of them has
// begun a request, so closing them when shutdown starts loses nothing.
type silentConns struct {
	mu   sync.Mutex
	shut bool
	m    map[net.Conn]struct{}
}

func newSilentConns() *silentConns { return &silentConns{m: map[net.Conn]struct{}{}} }

// track is the server's ConnState hook.
func (s *silentConns) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st != http.StateNew {
		delete(s.m, c)
		return
	}
	if s.shut {
		// Accepted between closeAll and the listener closing.
		c.Close()
		return
	}
	s.m[c] = struct{}{}
}

// closeAll closes every silent connection, and any accepted from now on.
func (s *silentConns) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shut = true
	for c := range s.m {
		c.Close()
	}
	clear(s.m)
}
