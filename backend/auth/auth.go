// Package auth decides who a request is: a REST client holding the
// read-write or read-only API key, or the app's own UI holding the per-launch
// session token. Keys live in the settings table; comparisons are
// constant-time.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Role is what a caller may do.
type Role int

// Roles, weakest first.
const (
	None Role = iota
	ReadOnly
	ReadWrite
)

const (
	keyRW = "api_key_rw"
	keyRO = "api_key_ro"
)

// Keys holds the API keys and the UI session token.
type Keys struct {
	db      *store.DB
	mu      sync.RWMutex
	rw, ro  string
	session string
	// fixedRW is set when HOOKLINE_API_KEY pins the read-write key; it is then
	// not regenerable from Settings.
	fixedRW bool
	// reloadMu runs reloads one at a time, each reading after the last
	// notification that asked for it, so the newest keys are the ones kept.
	reloadMu sync.Mutex
}

// KeySet is what Settings shows.
type KeySet struct {
	ReadWrite string `json:"readWrite"`
	ReadOnly  string `json:"readOnly"`
	// Pinned is true when the read-write key comes from HOOKLINE_API_KEY.
	Pinned bool `json:"pinned"`
}

// Load reads the keys, generating any that are missing. A non-empty fixedRW
// overrides the stored read-write key for this run.
func Load(ctx context.Context, db *store.DB, fixedRW string) (*Keys, error) {
	k := &Keys{db: db, session: random(32)}
	err := db.InTx(ctx, func(tx *gorm.DB) error {
		var err error
		if k.rw, err = getOrCreate(tx, keyRW); err != nil {
			return err
		}
		k.ro, err = getOrCreate(tx, keyRO)
		return err
	})
	if err != nil {
		return nil, err
	}
	if fixedRW != "" {
		k.rw, k.fixedRW = fixedRW, true
	}
	db.Subscribe(k.changed)
	return k, nil
}

// changed handles the shared database's notifications (PostgreSQL, see
// migrations_postgres/0014_notify_keys_and_new_deliveries.sql): a key
// regenerated through another instance stops working here too, at once
// rather than at the next restart.
// After a lost connection ("*") the keys are read again in case a change was
// missed. It runs on the listener's goroutine, so the read runs on its own.
func (k *Keys) changed(payload string) {
	if payload != "keys" && payload != "*" {
		return
	}
	go func() {
		k.reloadMu.Lock()
		defer k.reloadMu.Unlock()
		// A failed read keeps the old keys, so it is retried for a while and
		// then reported: an old key left working is a hole, not a nuisance.
		var err error
		for try := 0; try < 10; try++ {
			if err = k.reload(); err == nil {
				return
			}
			time.Sleep(time.Second)
		}
		if log := k.db.Logger(); log != nil {
			log.Error("auth: could not read the API keys another instance changed; restart this instance", slog.Any("err", err))
		}
	}()
}

// reload reads both keys again; a pinned read-write key stays pinned.
func (k *Keys) reload() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rows []setting
	if err := k.db.R.WithContext(ctx).Table("settings").Where("key IN ?", []string{keyRW, keyRO}).Find(&rows).Error; err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range rows {
		switch {
		case r.Key == keyRW && !k.fixedRW:
			k.rw = r.Value
		case r.Key == keyRO:
			k.ro = r.Value
		}
	}
	return nil
}

type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func getOrCreate(tx *gorm.DB, key string) (string, error) {
	var s setting
	err := tx.Table("settings").Where("key = ?", key).Take(&s).Error
	if err == nil {
		return s.Value, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	// Instances starting together on a shared database may both find no
	// key: the first insert wins, and everyone reads the winner's.
	s = setting{Key: key, Value: random(24)}
	if err := tx.Table("settings").Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error; err != nil {
		return "", err
	}
	err = tx.Table("settings").Where("key = ?", key).Take(&s).Error
	return s.Value, err
}

func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

func eq(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Check returns the role an API key grants.
func (k *Keys) Check(key string) Role {
	k.mu.RLock()
	defer k.mu.RUnlock()
	// Compare against both every time so timing does not reveal which matched.
	rw, ro := eq(key, k.rw), eq(key, k.ro)
	switch {
	case rw:
		return ReadWrite
	case ro:
		return ReadOnly
	}
	return None
}

// CheckSession reports whether token is this launch's UI session token.
func (k *Keys) CheckSession(token string) bool { return eq(token, k.session) }

// Session returns this launch's UI session token. It is handed only to the
// app's own page and never stored.
func (k *Keys) Session() string { return k.session }

// Current returns the keys for Settings.
func (k *Keys) Current() KeySet {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return KeySet{ReadWrite: k.rw, ReadOnly: k.ro, Pinned: k.fixedRW}
}

// Regenerate replaces one key ("readWrite" or "readOnly") and returns the new set.
func (k *Keys) Regenerate(ctx context.Context, which string) (KeySet, error) {
	var key string
	switch which {
	case "readWrite":
		if k.fixedRW {
			return KeySet{}, errs.New(errs.Conflict, "the read-write key is set by HOOKLINE_API_KEY and cannot be regenerated here")
		}
		key = keyRW
	case "readOnly":
		key = keyRO
	default:
		return KeySet{}, errs.InvalidField("which", `must be "readWrite" or "readOnly"`)
	}
	v := random(24)
	// A reload that read the old key must not apply it after this sets the
	// new one.
	k.reloadMu.Lock()
	defer k.reloadMu.Unlock()
	err := k.db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Table("settings").Clauses(clause.OnConflict{UpdateAll: true}).Create(&setting{Key: key, Value: v}).Error
	})
	if err != nil {
		return KeySet{}, err
	}
	k.mu.Lock()
	if key == keyRW {
		k.rw = v
	} else {
		k.ro = v
	}
	k.mu.Unlock()
	return k.Current(), nil
}

type ctxKey struct{}

// WithRole returns ctx carrying role.
func WithRole(ctx context.Context, r Role) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// RoleOf returns the role in ctx; None when absent.
func RoleOf(ctx context.Context) Role {
	r, _ := ctx.Value(ctxKey{}).(Role)
	return r
}
