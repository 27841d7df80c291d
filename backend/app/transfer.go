package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"hookline/backend/errs"
	"hookline/backend/flotiqexport"
	"hookline/backend/webhook"
)

// TransferStatus is the state of the latest .flotiq import or export.
type TransferStatus struct {
	// Kind is "import" or "export"; empty before the first one.
	Kind    string              `json:"kind"`
	Dir     string              `json:"dir"`
	Running bool                `json:"running"`
	Phase   string              `json:"phase"`
	Done    int                 `json:"done"`
	Total   int                 `json:"total"`
	Error   string              `json:"error"`
	Stats   *flotiqexport.Stats `json:"stats"`
}

// transfers runs one transfer at a time and remembers the last one.
type transfers struct {
	mu     sync.Mutex
	status TransferStatus
	// names are the types an import in flight creates: its webhooks may
	// name them before they are committed.
	names []string
}

func (t *transfers) importing(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Contains(t.names, name)
}

func (t *transfers) begin(kind, dir string, names []string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status.Running {
		return errs.New(errs.Conflict, "An %s of %s is running; wait until it ends", t.status.Kind, t.status.Dir)
	}
	t.status = TransferStatus{Kind: kind, Dir: dir, Running: true}
	t.names = names
	return nil
}

func (t *transfers) progress(p flotiqexport.Progress) {
	t.mu.Lock()
	t.status.Phase, t.status.Done, t.status.Total = p.Phase, p.Done, p.Total
	t.mu.Unlock()
}

func (t *transfers) end(st flotiqexport.Stats, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.status.Running, t.names = false, nil
	if err != nil {
		t.status.Error = errs.MessageOf(err)
		var e *errs.Error
		if !errors.As(err, &e) {
			t.status.Error = err.Error() // file-system errors name the file; show them
		}
		return
	}
	t.status.Phase, t.status.Stats = flotiqexport.PhaseDone, &st
}

// TransferStatus returns the state of the latest transfer.
func (m *Main) TransferStatus() TransferStatus {
	m.transfers.mu.Lock()
	defer m.transfers.mu.Unlock()
	return m.transfers.status
}

func (m *Main) transferOptions(keepWebhooks bool) flotiqexport.Options {
	return flotiqexport.Options{
		Content: m.Content, Media: m.Media, KeepWebhooks: keepWebhooks,
		Silence: webhook.Silence, Progress: m.transfers.progress,
	}
}

// Export writes a .flotiq folder; it blocks until done.
func (m *Main) Export(ctx context.Context, dir string) (flotiqexport.Stats, error) {
	run, err := m.prepareTransfer("export", dir, false)
	if err != nil {
		return flotiqexport.Stats{}, err
	}
	return run(ctx)
}

// Import adds a .flotiq folder, all or nothing; it blocks until done.
func (m *Main) Import(ctx context.Context, dir string, keepWebhooks bool) (flotiqexport.Stats, error) {
	run, err := m.prepareTransfer("import", dir, keepWebhooks)
	if err != nil {
		return flotiqexport.Stats{}, err
	}
	return run(ctx)
}

// StartTransfer runs an import or export in the background, for the
// Settings screen, which follows it with TransferStatus.
func (m *Main) StartTransfer(kind, dir string, keepWebhooks bool) (TransferStatus, error) {
	if kind != "import" && kind != "export" {
		return TransferStatus{}, errs.InvalidField("kind", "Must be import or export")
	}
	run, err := m.prepareTransfer(kind, dir, keepWebhooks)
	if err != nil {
		return TransferStatus{}, err
	}
	// The transfer outlives the request that started it.
	go run(context.Background())
	return m.TransferStatus(), nil
}

// prepareTransfer checks the folder and claims the one transfer slot; the
// returned run does the work and releases it.
func (m *Main) prepareTransfer(kind, dir string, keepWebhooks bool) (func(context.Context) (flotiqexport.Stats, error), error) {
	dir, err := cleanDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	if kind == "import" {
		if names, err = flotiqexport.TypeNames(dir); err != nil {
			return nil, errs.New(errs.Invalid, "%v", err)
		}
	}
	if err := m.transfers.begin(kind, dir, names); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (flotiqexport.Stats, error) {
		var st flotiqexport.Stats
		var err error
		if kind == "export" {
			st, err = flotiqexport.Export(ctx, dir, m.transferOptions(false))
		} else {
			st, err = flotiqexport.Import(ctx, dir, m.transferOptions(keepWebhooks))
		}
		m.transfers.end(st, err)
		if err != nil {
			m.Log.Warn(kind+" failed", slog.String("dir", dir), slog.Any("err", err))
		}
		return st, err
	}, nil
}

// cleanDir wants an absolute folder path: a relative one would depend on
// where the app was started.
func cleanDir(dir string) (string, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return "", errs.InvalidField("dir", "Give the folder as an absolute path, e.g. /home/me/site/.flotiq")
	}
	return filepath.Clean(dir), nil
}

// RunTransfer is `hookline export DIR` / `hookline import DIR`: it opens
// the data folder (refused while the app runs on it), transfers, closes.
func RunTransfer(ctx context.Context, cfg Config, stdout io.Writer, log *slog.Logger) error {
	dir, err := filepath.Abs(cfg.TransferDir)
	if err != nil {
		return err
	}
	m, err := Open(ctx, cfg, nil, log)
	if err != nil {
		return err
	}
	defer m.Close(context.Background())
	var st flotiqexport.Stats
	if cfg.Mode == "export" {
		st, err = m.Export(ctx, dir)
	} else {
		st, err = m.Import(ctx, dir, cfg.KeepWebhooks)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", cfg.Mode, dir, err)
	}
	verb := map[string]string{"export": "Exported", "import": "Imported"}[cfg.Mode]
	fmt.Fprintf(stdout, "%s %d types, %d objects and %d media files (%s).\n", verb, st.Types, st.Objects, st.Files, dir)
	if len(st.Skipped) > 0 {
		fmt.Fprintf(stdout, "Left out (internal types Hookline does not have, webhooks its rules refuse):\n  %s\n", strings.Join(st.Skipped, "\n  "))
	}
	return nil
}

// StartTransferAny and TransferStatusAny serve api.Transfers.
func (m *Main) StartTransferAny(kind, dir string, keep bool) (any, error) {
	return m.StartTransfer(kind, dir, keep)
}

// TransferStatusAny is TransferStatus for api.Transfers.
func (m *Main) TransferStatusAny() any { return m.TransferStatus() }
