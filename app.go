package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"hookline/backend/api"
	"hookline/backend/app"
	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/demo"
	"hookline/backend/errs"
	"hookline/backend/settings"
)

// App is what the desktop window binds: thin methods that translate, call a
// service and return. Errors reach JavaScript as JSON so that per-field
// validation messages survive the trip (see frontend/src/lib/api/errors.ts).
type App struct {
	ctx       context.Context
	m         *app.Main
	connected sync.Once
	stopFwd   func()
	// desk is the window's own state (menu, size, notifications); nil
	// while bindings are generated.
	desk *desktop
}

// NewApp binds m.
func NewApp(m *app.Main) *App { return &App{m: m} }

func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	ch, cancel := a.m.Bus.Subscribe(1024)
	a.stopFwd = cancel
	go func() {
		for e := range ch {
			wruntime.EventsEmit(ctx, "hookline:"+e.Type, e.Data)
			if l, ok := e.Data.(delivery.LogSummary); ok && a.desk != nil {
				a.desk.deliveryFailed(l)
			}
		}
	}()
}

func (a *App) shutdown(ctx context.Context) {
	if a.stopFwd != nil {
		a.stopFwd()
	}
	if err := a.m.Close(ctx); err != nil {
		a.m.Log.Error("shutdown", slog.Any("err", err))
	}
}

// bindErr encodes err for the frontend.
func (a *App) bindErr(err error) error {
	if err == nil {
		return nil
	}
	code := errs.CodeOf(err)
	if code == errs.Internal {
		a.m.Log.Error("bound call failed", slog.Any("err", err))
	}
	out := map[string]any{
		"status":  api.StatusOf(code),
		"message": errs.MessageOf(err),
		"fields":  errs.FieldsOf(err),
	}
	if v, ok := content.ConflictVersion(err); ok {
		out["latestVersion"] = v
	}
	b, _ := json.Marshal(out)
	return errors.New(string(b))
}

// Info describes this Hookline for Settings. The first call also tells the
// log that the frontend is up, which the desktop smoke test waits for.
func (a *App) Info() app.Info {
	a.connected.Do(func() { a.m.Log.Info("frontend connected", slog.String("via", "wails-binding")) })
	return a.m.Info()
}

// Keys returns the API keys.
func (a *App) Keys() auth.KeySet { return a.m.Keys.Current() }

// RegenerateKey replaces the "readWrite" or "readOnly" key.
func (a *App) RegenerateKey(which string) (auth.KeySet, error) {
	ks, err := a.m.Keys.Regenerate(a.ctx, which)
	return ks, a.bindErr(err)
}

// LoadDemo creates the first-run sample: two types with objects, an inbox
// and a webhook to it. It refuses to overwrite anything.
func (a *App) LoadDemo() (demo.Result, error) {
	r, err := a.m.LoadDemo(a.ctx)
	return r, a.bindErr(err)
}

// GetSettings returns the delivery settings: stored, running, and which
// flags override them.
func (a *App) GetSettings() (settings.View, error) {
	v, err := a.m.Settings(a.ctx)
	return v, a.bindErr(err)
}

// SaveSettings stores the delivery settings; they apply from the next start.
func (a *App) SaveSettings(d settings.Delivery) (settings.View, error) {
	v, err := a.m.SaveSettings(a.ctx, d)
	return v, a.bindErr(err)
}
