package main

import (
	"context"
	"os"
	"os/exec"
	"time"
)

// notifyStartFailure tells a desktop user why the window did not open:
// started from a menu, they have no terminal to read stderr in. It matters
// most for a database saved in Settings that cannot be reached (the
// message names the file to delete to go back to SQLite). Best effort,
// bounded in time, no shell; the text is stripped of markup like every
// notification (the database URL in it is already masked).
func notifyStartFailure(err error) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return
	}
	bin, lerr := exec.LookPath("notify-send")
	if lerr != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, bin, "--app-name=Hookline", "--urgency=critical", "--",
		"Hookline could not start", notifyText(err.Error(), 600)).Run()
}
