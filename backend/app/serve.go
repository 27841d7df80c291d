package app

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownTimeout bounds a graceful stop.
const ShutdownTimeout = 4 * time.Second

// Serve runs headless until SIGINT or SIGTERM, printing the ready line to
// stdout once the server accepts connections.
func Serve(ctx context.Context, cfg Config, frontend fs.FS, stdout io.Writer, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := Open(ctx, cfg, frontend, log)
	if err != nil {
		return err
	}
	if err := m.Start(ctx); err != nil {
		m.Close(context.Background())
		return err
	}
	fmt.Fprintf(stdout, "Hookline listening on %s\n", m.URL())
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case serveErr = <-m.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := m.Close(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return serveErr
}
