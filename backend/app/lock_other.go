//go:build !unix

package app

// lockDatabase is a no-op where flock is not available; there, running two
// Hooklines on one database is the user's to avoid (each would release
// the other's claims at start, which costs duplicate sends, never a loss).
func lockDatabase(path string) (release func(), err error) { return func() {}, nil }
