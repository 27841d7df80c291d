// Package settings keeps the user's delivery settings (pool size, attempt
// timeout, retry schedule) in the settings table. Command-line flags, when
// given, win over what is stored.
package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

const key = "delivery"

// Delivery is the delivery engine's user-facing configuration. Zero values
// mean "the built-in default".
type Delivery struct {
	// Workers is the number of concurrent attempts (1–256).
	Workers int `json:"workers"`
	// Timeout is the per-attempt timeout, e.g. "10s" (1s–5m).
	Timeout string `json:"timeout"`
	// RetryDelays is the retry schedule, e.g. ["10s","1m","5m"] (at most 20 steps).
	RetryDelays []string `json:"retryDelays"`
}

// View is what the Settings screen shows about delivery.
type View struct {
	// Stored is what the user saved; empty fields mean defaults.
	Stored Delivery `json:"stored"`
	// Running is what the pool uses now.
	Running Delivery `json:"running"`
	// Flags lists the settings a command-line flag overrides.
	Flags []string `json:"flags"`
	// RestartNeeded is true when the stored settings differ from what runs.
	RestartNeeded bool `json:"restartNeeded"`
}

// Parsed is Delivery in Go types.
type Parsed struct {
	Workers     int
	Timeout     time.Duration
	RetryDelays []time.Duration
}

// Validate checks d and returns it parsed.
func (d Delivery) Validate() (Parsed, error) {
	f := errs.Fields{}
	var p Parsed
	if d.Workers < 0 || d.Workers > 256 {
		f.Add("workers", "must be between 1 and 256")
	}
	p.Workers = d.Workers
	if strings.TrimSpace(d.Timeout) != "" {
		t, err := time.ParseDuration(strings.TrimSpace(d.Timeout))
		if err != nil || t < time.Second || t > 5*time.Minute {
			f.Add("timeout", "must be a duration between 1s and 5m, such as 10s")
		}
		p.Timeout = t
	}
	if len(d.RetryDelays) > 20 {
		f.Add("retryDelays", "at most 20 steps")
	}
	for i, s := range d.RetryDelays {
		t, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || t <= 0 || t > 7*24*time.Hour {
			f.Add(fmt.Sprintf("retryDelays[%d]", i), "%q is not a positive duration up to 168h (use forms like 10s, 1m, 2h)", s)
			continue
		}
		p.RetryDelays = append(p.RetryDelays, t)
	}
	return p, f.Err()
}

// Load returns the stored settings, or zero ones when none are stored.
func Load(ctx context.Context, db *store.DB) (Delivery, error) {
	var row struct{ Value string }
	err := db.R.WithContext(ctx).Table("settings").Select("value").Where("key = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Delivery{}, nil
	}
	if err != nil {
		return Delivery{}, err
	}
	var d Delivery
	if err := json.Unmarshal([]byte(row.Value), &d); err != nil {
		return Delivery{}, fmt.Errorf("stored delivery settings: %w", err)
	}
	return d, nil
}

// Save validates and stores d.
func Save(ctx context.Context, db *store.DB, d Delivery) (Delivery, error) {
	if _, err := d.Validate(); err != nil {
		return Delivery{}, err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return Delivery{}, err
	}
	err = db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, string(b)).Error
	})
	return d, err
}
