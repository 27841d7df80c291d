//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDatabase takes an exclusive lock on the database file itself for the
// life of the process. Two Hooklines on one database would each treat the
// other's claims as their own to release, and each trust its own cache of
// the types the other changes, so the second is refused with a clear
// message. The kernel drops the lock when the process dies, even by
// SIGKILL.
//
// The lock is on the file SQLite uses, not on a file beside it: deleting a
// lock file, or reaching one database through a symlink (or a hard link)
// from another folder, cannot get round it, because flock locks the inode
// whatever the path. It is taken before SQLite opens the file, and the
// descriptor stays open until after SQLite has closed it: flock and
// SQLite's own fcntl locks do not interact, but closing any descriptor of
// the file would drop SQLite's fcntl locks.
func lockDatabase(path string) (release func(), err error) {
	real := path
	if r, err := filepath.EvalSymlinks(path); err == nil {
		real = r
	}
	f, err := os.OpenFile(real, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("database %s: cannot open it to lock it: %w", real, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			where := path
			if real != path {
				where = path + " (" + real + ")"
			}
			return nil, fmt.Errorf("database %s is in use by another Hookline; close it, or pass another --data folder", where)
		}
		return nil, fmt.Errorf("database %s: cannot lock: %w", real, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
