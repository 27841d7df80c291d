package store

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLoggedStatementsCarryNoParameters: slow and failing statements are
// logged (every statement is "slow" here), but without the values bound to
// them, which carry secrets.
func TestLoggedStatementsCarryNoParameters(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "hookline.db"), Logger: log, SlowThreshold: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const secret = "whsec_c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ"
	const header = "Bearer header-value-that-must-stay-out"
	err = db.InTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?), (?, ?)`, "k1", secret, "k2", header).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same keys again: a failing statement, logged as an error.
	err = db.InTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?)`, "k1", secret).Error
	})
	if err == nil {
		t.Fatal("the duplicate insert did not fail")
	}
	var got string
	db.R.Raw(`SELECT value FROM settings WHERE key = ? AND value = ?`, "k1", secret).Scan(&got)
	if got != secret {
		t.Fatalf("read back %q", got)
	}
	logged := out.String()
	if !strings.Contains(logged, "SLOW SQL") || !strings.Contains(logged, "UNIQUE constraint failed") || !strings.Contains(logged, "INSERT INTO settings") {
		t.Fatalf("the slow and failing statements were not logged, so the check below proves nothing:\n%s", logged)
	}
	for _, s := range []string{secret, strings.TrimPrefix(secret, "whsec_"), header} {
		if strings.Contains(logged, s) {
			t.Errorf("the log holds a bound value %q:\n%s", s, logged)
		}
	}
}
