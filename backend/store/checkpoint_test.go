package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// The writer never checkpoints (its commits don't wait for an fsync of the
// database file); the checkpointer copies committed pages back on its own,
// and Close leaves everything in the database file.
func TestCheckpointsRunOffTheWriter(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	var auto int
	db.W.Raw("PRAGMA wal_autocheckpoint").Scan(&auto)
	if auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d, want 0", auto)
	}
	err := db.InTx(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Exec(`CREATE TABLE filler (b TEXT)`).Error; err != nil {
			return err
		}
		return tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
			INSERT INTO filler SELECT ? FROM n`, strings.Repeat("x", 1000)).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() >= 2000*1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file is %d bytes 10 s after a 2 MB commit: nothing checkpointed it", st.Size())
		}
		time.Sleep(20 * time.Millisecond)
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the WAL is still there after Close: %v", err)
	}
	again, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var n int
	again.R.Raw(`SELECT COUNT(*) FROM filler`).Scan(&n)
	if n != 2000 {
		t.Errorf("%d rows after reopening, want 2000", n)
	}
}
