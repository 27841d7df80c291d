package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Notification text comes from senders (object ids, error text): markup
// characters go, line breaks become spaces, and it is bounded.
func TestNotifyText(t *testing.T) {
	got := notifyText("<b>boom</b> & \"x\"\nnext", 100)
	if strings.ContainsAny(got, "<>&\n") || !strings.Contains(got, "bboom/b") {
		t.Errorf("notifyText = %q", got)
	}
	if long := notifyText(strings.Repeat("a", 500), 120); len(long) > 124 {
		t.Errorf("not bounded: %d bytes", len(long))
	}
}

// Prefs and the window's size persist in the data folder; a size below the
// window's minimum is not restored.
func TestDesktopStatePersists(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	d := newDesktop(dir, log)
	if !d.get().NotifyErrors {
		t.Fatal("notifications are on by default")
	}
	if _, err := d.set(DesktopPrefs{NotifyErrors: false}); err != nil {
		t.Fatal(err)
	}
	if newDesktop(dir, log).get().NotifyErrors {
		t.Error("switching notifications off did not persist")
	}
	if err := d.writeJSON("window.json", windowState{Width: 1300, Height: 900, X: 40, Y: 30}); err != nil {
		t.Fatal(err)
	}
	if w, ok := d.window(); !ok || w.Width != 1300 || w.X != 40 {
		t.Errorf("window %+v %v", w, ok)
	}
	os.WriteFile(filepath.Join(dir, "window.json"), []byte(`{"width":100,"height":100}`), 0o600)
	if _, ok := d.window(); ok {
		t.Error("a window below the minimum size was restored")
	}
}
