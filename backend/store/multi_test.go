package store

import "testing"

func TestMultiStatementMigrationApplied(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	var n int
	db.R.Raw("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='settings_value'").Scan(&n)
	if n != 1 {
		t.Fatalf("second statement of a migration was not applied")
	}
}
