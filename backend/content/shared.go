package content

import (
	"strconv"
	"strings"
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
