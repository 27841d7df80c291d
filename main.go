// Command hookline is a local content editor with asynchronous webhooks.
// With no arguments it opens the desktop window; `hookline serve` runs the
// same app headless for a browser. main only parses, wires and runs.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"hookline/backend/app"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() { os.Exit(run()) }

func run() int {
	cfg, err := app.ParseArgs(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, app.ErrUsage) {
		return 2
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookline: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookline: %v\n", err)
		return 1
	}
	if cfg.Mode == "export" || cfg.Mode == "import" {
		if err := app.RunTransfer(context.Background(), cfg, os.Stdout, log); err != nil {
			fmt.Fprintf(os.Stderr, "hookline: %v\n", err)
			return 1
		}
		return 0
	}
	if cfg.Mode == "serve" {
		if err := app.Serve(context.Background(), cfg, dist, os.Stdout, log); err != nil {
			fmt.Fprintf(os.Stderr, "hookline: %v\n", err)
			return 1
		}
		return 0
	}
	if err := runDesktop(cfg, dist, log); err != nil {
		fmt.Fprintf(os.Stderr, "hookline: %v\n", err)
		notifyStartFailure(err)
		return 1
	}
	return 0
}

func runDesktop(cfg app.Config, dist fs.FS, log *slog.Logger) error {
	if generatingBindings {
		return wails.Run(&options.App{Title: "Hookline", Bind: []any{&App{}}})
	}
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display found (DISPLAY and WAYLAND_DISPLAY are empty); run `hookline serve` and open its URL in a browser")
	}
	ctx := context.Background()
	m, err := app.Open(ctx, cfg, dist, log)
	if err != nil {
		return err
	}
	if err := m.Start(ctx); err != nil {
		m.Close(ctx)
		return err
	}
	log.Info("Hookline API listening", slog.String("url", m.URL()))
	ui := NewApp(m)
	ui.desk = newDesktop(cfg.DataDir, log)
	width, height := 1200, 800
	saved, remembered := ui.desk.window()
	if remembered {
		width, height = saved.Width, saved.Height
	}
	return wails.Run(&options.App{
		Title:     "Hookline",
		Width:     width,
		Height:    height,
		MinWidth:  880,
		MinHeight: 560,
		// Handler answers what the assets do not have: the media routes
		// (/image/…, POST /api/media), so <img> tags and uploads work in
		// the window as in a browser.
		AssetServer:      &assetserver.Options{Assets: dist, Handler: m.Server.WindowHandler()},
		BackgroundColour: &options.RGBA{R: 247, G: 247, B: 248, A: 255},
		Menu:             appMenu(func() context.Context { return ui.ctx }),
		OnStartup:        ui.startup,
		OnDomReady: func(ctx context.Context) {
			if remembered {
				wruntime.WindowSetPosition(ctx, saved.X, saved.Y)
			}
		},
		OnBeforeClose: func(ctx context.Context) bool {
			ui.desk.saveWindow(ctx)
			return false
		},
		OnShutdown: ui.shutdown,
		Bind:       []any{ui},
		Linux:      &linux.Options{ProgramName: "hookline"},
	})
}
