package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"hookline/backend/delivery"
)

// The desktop window's own state: its application menu, its size and
// position across launches, and desktop notifications for deliveries that
// end in error. Wails v2 has no notification API, so notifications go
// through notify-send (libnotify) with a fixed argument list and no shell.

// DesktopPrefs are the window's settings, kept in the data folder
// (desktop.json) because they belong to this machine's window, not to the
// content.
type DesktopPrefs struct {
	// NotifyErrors shows a desktop notification when a delivery ends in
	// error. Default on.
	NotifyErrors bool `json:"notifyErrors"`
	// NotifierAvailable reports whether notify-send was found (read-only).
	NotifierAvailable bool `json:"notifierAvailable"`
}

// windowState is the size and position remembered between launches.
type windowState struct {
	Width  int `json:"width"`
	Height int `json:"height"`
	X      int `json:"x"`
	Y      int `json:"y"`
}

// desktop holds the files and the notifier of one window.
type desktop struct {
	dir string
	log *slog.Logger

	mu    sync.Mutex
	prefs DesktopPrefs
}

func newDesktop(dataDir string, log *slog.Logger) *desktop {
	d := &desktop{dir: dataDir, log: log, prefs: DesktopPrefs{NotifyErrors: true}}
	if b, err := os.ReadFile(filepath.Join(dataDir, "desktop.json")); err == nil {
		_ = json.Unmarshal(b, &d.prefs)
	}
	return d
}

func (d *desktop) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(d.dir, name+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(d.dir, name))
}

// window returns the remembered size and position, or ok false.
func (d *desktop) window() (windowState, bool) {
	var w windowState
	b, err := os.ReadFile(filepath.Join(d.dir, "window.json"))
	if err != nil || json.Unmarshal(b, &w) != nil || w.Width < 880 || w.Height < 560 || w.Width > 10000 || w.Height > 10000 {
		return windowState{}, false
	}
	return w, true
}

// saveWindow remembers the window's size and position; called before close.
func (d *desktop) saveWindow(ctx context.Context) {
	var w windowState
	w.Width, w.Height = wruntime.WindowGetSize(ctx)
	w.X, w.Y = wruntime.WindowGetPosition(ctx)
	if err := d.writeJSON("window.json", w); err != nil {
		d.log.Warn("desktop: remember window", slog.Any("err", err))
	}
}

func (d *desktop) get() DesktopPrefs {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.prefs
	_, err := exec.LookPath("notify-send")
	p.NotifierAvailable = err == nil
	return p
}

func (d *desktop) set(p DesktopPrefs) (DesktopPrefs, error) {
	d.mu.Lock()
	d.prefs.NotifyErrors = p.NotifyErrors
	err := d.writeJSON("desktop.json", d.prefs)
	d.mu.Unlock()
	return d.get(), err
}

// notifyText strips what libnotify would read as markup from a text built
// from sender-controlled values (object ids, error messages), and bounds it.
func notifyText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '&':
			return -1
		case '\n', '\r', '\t':
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// deliveryFailed shows a notification for a delivery that ended in error,
// when switched on. The argument list is fixed; values go in as single
// arguments after "--", so none can become an option.
func (d *desktop) deliveryFailed(l delivery.LogSummary) {
	if !d.get().NotifyErrors || l.Status != delivery.StatusError {
		return
	}
	bin, err := exec.LookPath("notify-send")
	if err != nil {
		return
	}
	title := notifyText("Delivery failed: "+l.Action+" "+l.ContentTypeName+"/"+l.ObjectID, 120)
	body := notifyText(l.Error, 300)
	cmd := exec.Command(bin, "--app-name=Hookline", "--urgency=normal", "--", title, body)
	if err := cmd.Start(); err != nil {
		d.log.Warn("desktop: notify", slog.Any("err", err))
		return
	}
	go func() { _ = cmd.Wait() }()
}

// appMenu builds the window's menu. Edit's items act on the page through
// "hookline:menu" events (the page runs the editing command where the focus
// is); they carry no accelerators, so the webview keeps handling Ctrl+C and
// friends natively. View's reload and zoom have the usual keys.
func appMenu(ctx func() context.Context) *menu.Menu {
	m := menu.NewMenu()
	emit := func(action string) func(*menu.CallbackData) {
		return func(*menu.CallbackData) {
			wruntime.EventsEmit(ctx(), "hookline:menu", map[string]string{"action": action})
		}
	}
	edit := m.AddSubmenu("Edit")
	edit.AddText("Undo", nil, emit("undo"))
	edit.AddText("Redo", nil, emit("redo"))
	edit.AddSeparator()
	edit.AddText("Cut", nil, emit("cut"))
	edit.AddText("Copy", nil, emit("copy"))
	edit.AddText("Paste", nil, func(*menu.CallbackData) {
		// The page may not read the clipboard itself; hand it the text.
		text, err := wruntime.ClipboardGetText(ctx())
		if err != nil {
			return
		}
		wruntime.EventsEmit(ctx(), "hookline:menu", map[string]string{"action": "paste", "text": text})
	})
	edit.AddSeparator()
	edit.AddText("Select all", nil, emit("selectAll"))
	view := m.AddSubmenu("View")
	view.AddText("Reload", keys.CmdOrCtrl("r"), func(*menu.CallbackData) { wruntime.WindowReload(ctx()) })
	view.AddSeparator()
	view.AddText("Zoom in", keys.CmdOrCtrl("="), emit("zoomIn"))
	view.AddText("Zoom out", keys.CmdOrCtrl("-"), emit("zoomOut"))
	view.AddText("Actual size", keys.CmdOrCtrl("0"), emit("zoomReset"))
	return m
}

// GetDesktopPrefs returns the window's settings (desktop notifications).
func (a *App) GetDesktopPrefs() (DesktopPrefs, error) {
	if a.desk == nil {
		return DesktopPrefs{}, a.bindErr(errors.New("not a desktop window"))
	}
	return a.desk.get(), nil
}

// SetDesktopPrefs stores the window's settings.
func (a *App) SetDesktopPrefs(p DesktopPrefs) (DesktopPrefs, error) {
	if a.desk == nil {
		return DesktopPrefs{}, a.bindErr(errors.New("not a desktop window"))
	}
	out, err := a.desk.set(p)
	return out, a.bindErr(err)
}
