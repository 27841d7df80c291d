package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"hookline/backend/media"
	"hookline/backend/settings"
)

// openMedia builds the media service over <data>/media. The upload cap is
// read from Settings on each upload, so a change applies at once.
func (m *Main) openMedia() (*media.Service, error) {
	return media.New(media.Options{
		Dir:    m.Config.mediaDir(),
		Logger: m.Log,
		// On a shared database the folder is shared too: another instance
		// may be between writing a file and creating its object.
		SweepGrace: sweepGrace(m.DB.Shared()),
		MaxBytes: func(ctx context.Context) int64 {
			s, err := settings.LoadMedia(ctx, m.DB)
			if err != nil {
				m.Log.Warn("reading media settings; using the default cap", slog.Any("err", err))
			}
			return s.MaxBytes()
		},
	})
}

// sweepMedia removes what a crash mid-upload or mid-delete left behind.
func (m *Main) sweepMedia(ctx context.Context) error {
	n, err := m.Media.Sweep(ctx)
	if err != nil {
		return fmt.Errorf("clean the media folder: %w", err)
	}
	if n > 0 {
		m.Log.Info("removed media files left without an object", slog.Int("count", n))
	}
	return nil
}

// MediaSettings returns the media library's settings.
func (m *Main) MediaSettings(ctx context.Context) (settings.Media, error) {
	return settings.LoadMedia(ctx, m.DB)
}

// SaveMediaSettings stores them; they apply to the next upload.
func (m *Main) SaveMediaSettings(ctx context.Context, s settings.Media) (settings.Media, error) {
	return settings.SaveMedia(ctx, m.DB, s)
}

// sweepGrace is how old a media file without an object must be before the
// start-up sweep removes it.
func sweepGrace(shared bool) time.Duration {
	if shared {
		return 10 * time.Minute
	}
	return 0
}
