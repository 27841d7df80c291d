package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"time"

	"hookline/backend/dbconfig"
	"hookline/backend/store"
)

// databaseFromEnv completes the database settings from the environment and
// checks them. The URL's password is never repeated in an error.
func (c *Config) databaseFromEnv(getenv func(string) string) error {
	// --database > HOOKLINE_DATABASE_URL > database.json (Settings) >
	// SQLite; see backend/dbconfig.
	choice, err := dbconfig.Resolve(c.DatabaseURL, getenv(dbconfig.EnvVar), c.DataDir)
	if err != nil {
		return err
	}
	c.DatabaseURL, c.DatabaseSource = choice.URL, choice.Source
	if c.MediaDir == "" {
		c.MediaDir = getenv("HOOKLINE_MEDIA_DIR")
	}
	if c.DatabaseURL != "" && !store.IsDatabaseURL(c.DatabaseURL) {
		name := "--database"
		if c.DatabaseSource == dbconfig.FromEnv {
			name = dbconfig.EnvVar
		}
		return fmt.Errorf("%s must be a PostgreSQL URL, postgres://user:password@host:5432/db", name)
	}
	if c.Instance != "" && !instanceName.MatchString(c.Instance) {
		return fmt.Errorf("--instance must be 1 to 40 letters, digits, dots, dashes or underscores")
	}
	if c.LeaseTTL < 0 || c.LeaseExtend < 0 {
		return fmt.Errorf("--lease and --lease-extend must be positive")
	}
	if c.LeaseTTL > 0 && c.LeaseTTL < time.Second {
		return fmt.Errorf("--lease must be at least 1s")
	}
	lease := c.LeaseTTL
	if lease == 0 {
		lease = 60 * time.Second
	}
	if c.LeaseExtend >= lease {
		return fmt.Errorf("--lease-extend (%s) must be shorter than the lease (%s), or claims lapse while they are worked on", c.LeaseExtend, lease)
	}
	return nil
}

var instanceName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// userAgent is what deliveries send: Hookline/<version>, and the instance's
// name when it has one, so a receiver can tell the instances apart.
func (c Config) userAgent() string {
	if c.Instance != "" {
		return "Hookline/" + Version + " (" + c.Instance + ")"
	}
	return "Hookline/" + Version
}

// openDatabase opens SQLite in the data folder, locked to this process, or
// the shared PostgreSQL database. It returns the release of the lock.
func openDatabase(ctx context.Context, cfg Config, log *slog.Logger) (*store.DB, func(), error) {
	if cfg.DatabaseURL != "" {
		// Other instances share this database by design: there is no lock
		// to take, and claims and caches are kept right across processes
		// (see the delivery and content packages).
		db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, Logger: log})
		if err != nil && cfg.DatabaseSource == dbconfig.FromFile {
			// The window may not open at all: say how to get back.
			return nil, nil, fmt.Errorf("%w\n(this database was chosen in Settings and is kept in %s; delete that file to start on SQLite in the data folder again)",
				err, dbconfig.Path(cfg.DataDir))
		}
		if err != nil {
			return nil, nil, err
		}
		log.Info("database", slog.String("postgres", db.Path()))
		return db, func() {}, nil
	}
	dbPath := filepath.Join(cfg.DataDir, "hookline.db")
	unlock, err := lockDatabase(dbPath)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, store.Options{Path: dbPath, Logger: log})
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return db, unlock, nil
}

// mediaDir is where the media files live.
func (c Config) mediaDir() string {
	if c.MediaDir != "" {
		return c.MediaDir
	}
	return filepath.Join(c.DataDir, "media")
}
