package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

const mediaKey = "media"

// DefaultMaxUploadMB is Flotiq's upload cap: 10 MB (decimal, as its
// message counts).
const DefaultMaxUploadMB = 10

// Media is the media library's configuration. A zero MaxUploadMB means the
// default.
type Media struct {
	// MaxUploadMB caps one uploaded file, in MB of 1,000,000 bytes (1–1024).
	// It is separate from the 1 MiB cap on JSON bodies.
	MaxUploadMB int `json:"maxUploadMB"`
}

// MaxBytes is the cap in bytes, the default applied.
func (m Media) MaxBytes() int64 {
	if m.MaxUploadMB <= 0 {
		return DefaultMaxUploadMB * 1_000_000
	}
	return int64(m.MaxUploadMB) * 1_000_000
}

// Validate checks m.
func (m Media) Validate() error {
	if m.MaxUploadMB < 0 || m.MaxUploadMB > 1024 {
		return errs.InvalidField("maxUploadMB", "must be between 1 and 1024 (MB)")
	}
	return nil
}

// LoadMedia returns the stored media settings, or zero ones.
func LoadMedia(ctx context.Context, db *store.DB) (Media, error) {
	var row struct{ Value string }
	err := db.R.WithContext(ctx).Table("settings").Select("value").Where("key = ?", mediaKey).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Media{}, nil
	}
	if err != nil {
		return Media{}, err
	}
	var m Media
	if err := json.Unmarshal([]byte(row.Value), &m); err != nil {
		return Media{}, fmt.Errorf("stored media settings: %w", err)
	}
	return m, nil
}

// SaveMedia validates and stores m. It applies at once.
func SaveMedia(ctx context.Context, db *store.DB, m Media) (Media, error) {
	if err := m.Validate(); err != nil {
		return Media{}, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return Media{}, err
	}
	err = db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, mediaKey, string(b)).Error
	})
	return m, err
}
