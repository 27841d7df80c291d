//go:build !unix

package app

// lockDataDir is a no-op where flock is not available; there, running two
// Hooklines on one data folder is the user's to avoid (each would release
// the other's claims at start, which costs duplicate sends, never a loss).
func lockDataDir(dir string) (release func(), err error) { return func() {}, nil }
