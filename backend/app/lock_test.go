//go:build unix

package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatabaseLockCannotBeSidestepped: the lock is on hookline.db itself,
// so neither deleting a lock file nor reaching the same database through a
// symlinked (or hard-linked) hookline.db in another folder lets a second
// Hookline open it.
func TestDatabaseLockCannotBeSidestepped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := func(d string) Config { return Config{Mode: "serve", DataDir: d, Addr: "127.0.0.1:0"} }
	m, err := Open(ctx, cfg(dir), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)

	// Whatever lock files sit beside the database can go.
	for _, name := range []string{"hookline.lock"} {
		os.Remove(filepath.Join(dir, name))
	}
	if _, err := Open(ctx, cfg(dir), nil, nil); err == nil || !strings.Contains(err.Error(), "in use by another Hookline") {
		t.Fatalf("second open after deleting the lock file: %v", err)
	}

	sym := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "hookline.db"), filepath.Join(sym, "hookline.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, cfg(sym), nil, nil); err == nil || !strings.Contains(err.Error(), "in use by another Hookline") {
		t.Fatalf("open through a symlinked hookline.db: %v", err)
	}

	hard := t.TempDir()
	if err := os.Link(filepath.Join(dir, "hookline.db"), filepath.Join(hard, "hookline.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, cfg(hard), nil, nil); err == nil || !strings.Contains(err.Error(), "in use by another Hookline") {
		t.Fatalf("open through a hard-linked hookline.db: %v", err)
	}

	// Released on close: the symlinked folder can open it now.
	m.Close(ctx)
	m2, err := Open(ctx, cfg(sym), nil, nil)
	if err != nil {
		t.Fatalf("open through the symlink after close: %v", err)
	}
	m2.Close(ctx)
}
