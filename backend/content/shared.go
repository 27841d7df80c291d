package content

import (
	"encoding/json"
	"strconv"
	"strings"

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

// lock locks the objects typeName/ids for the rest of w's transaction,
// skipping those it holds already: a batch locks all its ids up front, and
// the per-object paths it runs through then cost no second round trip.
func (w *txWriter) lock(typeName string, ids ...string) error {
	q := store.DialectOf(w.tx).LockNames()
	if q == "" {
		return nil
	}
	var names []string
	for _, id := range ids {
		// Ids compare case-insensitively, so "Post-1" and "post-1" are one;
		// type names hold no "/". A repeat within ids is one lock (DISTINCT).
		n := "object/" + typeName + "/" + strings.ToLower(id)
		if _, held := w.locked[n]; !held {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil
	}
	raw, err := json.Marshal(names)
	if err != nil {
		return err
	}
	if err := w.tx.Exec(q, string(raw)).Error; err != nil {
		return err
	}
	if w.locked == nil {
		w.locked = map[string]struct{}{}
	}
	for _, n := range names {
		w.locked[n] = struct{}{}
	}
	return nil
}

// row is findRowTx for a write: it locks the object first.
func (w *txWriter) row(typeName, id string) (*objectRow, error) {
	if err := w.lock(typeName, id); err != nil {
		return nil, err
	}
	return findRowTx(w.tx, typeName, id)
}
