package content

import (
	"encoding/json"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/store"
)

// Several instances may share a PostgreSQL database (store.DB.Shared). Then
// a type can change in another process, and writerType's trusted entries,
// which skip reading content_types, must not outlive such a change:
//
//   - each trusted entry records the types version it was verified at, and
//     is used only while the version, read and share-locked inside the
//     writer's transaction, is the same (store.DB.CacheVersion): a type
//     changed through another instance is enforced on the very next write;
//   - the notification of a change ("types:<v>", see typesChanged) drops
//     the trusted entries verified at an older version at once, so the
//     version check rarely has to. Entries this process verified at <v>
//     itself (its own change, whose notification arrives after) stay; a
//     lost notification (the listener's "*") needs nothing: the version
//     check covers it.
//
// The cache of parsed types needs neither: an entry is served only while
// the row it was parsed from is unchanged, whoever changed it.

// typesChanged handles the shared database's notifications.
func (s *Service) typesChanged(payload string) {
	rest, ok := strings.CutPrefix(payload, "types:")
	if !ok {
		return
	}
	v, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return
	}
	s.mu.Lock()
	for name, t := range s.trusted {
		if t.ver < v {
			delete(s.trusted, name)
		}
	}
	s.mu.Unlock()
}

// On a shared database the writers of one object may also be in other
// processes, and READ COMMITTED lets two of them read the same row and
// both write a version computed from it (a lost patch, two versions with
// one number), or both find a new id free and both insert it. Every write
// path therefore locks the (type, id) names it is about to read and write
// before reading them (store.Dialect.LockNames), so they run one after
// another as SQLite's one writer runs them. A batch locks all its ids at
// once, in the dialect's one order, so overlapping batches cannot deadlock.
// On SQLite there is nothing to lock.

// lockObjectsTx locks the objects typeName/ids for the rest of tx.
func lockObjectsTx(tx *gorm.DB, typeName string, ids ...string) error {
	q := store.DialectOf(tx).LockNames()
	if q == "" || len(ids) == 0 {
		return nil
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		// Ids compare case-insensitively, so "Post-1" and "post-1" are one.
		names = append(names, "object/"+typeName+"/"+strings.ToLower(id)) // type names hold no "/"
	}
	raw, err := json.Marshal(names)
	if err != nil {
		return err
	}
	return tx.Exec(q, string(raw)).Error
}

// lockedRowTx is findRowTx for a write: it locks the object first.
func lockedRowTx(tx *gorm.DB, typeName, id string) (*objectRow, error) {
	if err := lockObjectsTx(tx, typeName, id); err != nil {
		return nil, err
	}
	return findRowTx(tx, typeName, id)
}
