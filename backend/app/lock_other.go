//go:build !unix

package app

// lockDataDir is a no-op where flock is not available; there, running two
// Hooklines on one data folder is the user's to avoid.
func lockDataDir(dir string) (release func(), err error) { return func() {}, nil }
