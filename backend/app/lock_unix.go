//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on the data folder for the life of the
// process. Two Hooklines on one database would each treat the other's
// claims as their own to release, so the second is refused with a clear
// message. The kernel drops the lock when the process dies, even by SIGKILL.
func lockDataDir(dir string) (release func(), err error) {
	path := filepath.Join(dir, "hookline.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: cannot create lock file: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data folder %s is in use by another Hookline; close it, or pass another --data folder", dir)
		}
		return nil, fmt.Errorf("data folder %s: cannot lock: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
