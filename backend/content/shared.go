package content

// Several instances may share a PostgreSQL database (store.DB.Shared). Then
// a type can change in another process, and writerType's trusted entries,
// which skip reading content_types, must not outlive such a change:
//
//   - each trusted entry records the types version it was verified at, and
//     is used only while the version, read and share-locked inside the
//     writer's transaction, is the same (store.DB.CacheVersion): a type
//     changed through another instance is enforced on the very next write;
//   - the notification of a change (typesChanged) drops every trusted
//     entry at once, so the version check rarely has to.
//
// The cache of parsed types needs neither: an entry is served only while
// the row it was parsed from is unchanged, whoever changed it.

// typesChanged handles the shared database's notifications.
func (s *Service) typesChanged(payload string) {
	if payload != "types" && payload != "*" {
		return
	}
	s.mu.Lock()
	s.typeGen++
	clear(s.trusted)
	s.mu.Unlock()
}
