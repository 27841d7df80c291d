package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "hookline.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesPragmasAndMigrations(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	var mode string
	db.R.Raw("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk, sync int
	db.W.Raw("PRAGMA foreign_keys").Scan(&fk)
	db.W.Raw("PRAGMA synchronous").Scan(&sync)
	if fk != 1 || sync != 1 {
		t.Errorf("foreign_keys=%d synchronous=%d, want 1 and 1 (NORMAL)", fk, sync)
	}
	var n, top int
	db.R.Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
	db.R.Raw("SELECT MAX(version) FROM schema_migrations").Scan(&top)
	all, _ := Migrations()
	if n != len(all) || n == 0 || top != SchemaVersion() {
		t.Errorf("recorded %d migrations up to %d, want %d up to %d", n, top, len(all), SchemaVersion())
	}
	st, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", st.Mode().Perm())
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hookline.db")
	for i := 0; i < 2; i++ {
		db, err := Open(context.Background(), Options{Path: path})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		db.Close()
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hookline.db")
	db, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO schema_migrations(version,name,applied_at) VALUES (999,'future','x')").Error
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), Options{Path: path})
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("err = %v, want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "newer version of Hookline") {
		t.Errorf("message not clear: %v", err)
	}
}

func TestRefusesNonSQLiteFileAndLeavesItAlone(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hookline.db")
	content := []byte("these are my precious notes, not a database\n")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), Options{Path: path})
	if !errors.Is(err, ErrNotSQLite) {
		t.Fatalf("err = %v, want ErrNotSQLite", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(content) {
		t.Fatal("file was modified")
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Error("a WAL file was created next to a non-database file")
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	boom := errors.New("boom")
	err := db.InTx(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO settings(key,value) VALUES ('a','1')").Error; err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	var n int
	db.R.Raw("SELECT COUNT(*) FROM settings").Scan(&n)
	if n != 0 {
		t.Fatalf("rolled-back row is visible: %d rows", n)
	}
}

func TestConcurrentWritersNeverSeeBusy(t *testing.T) {
	t.Parallel()
	db := openTemp(t)
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				errs <- db.InTx(context.Background(), func(tx *gorm.DB) error {
					var n int
					if err := tx.Raw("SELECT COUNT(*) FROM settings").Scan(&n).Error; err != nil {
						return err
					}
					return tx.Exec("INSERT INTO settings(key,value) VALUES (?, ?)", strings.Repeat("k", 1)+string(rune('a'+w))+itoa(i), n).Error
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.R.Raw("SELECT COUNT(*) FROM settings").Scan(&n)
	if n != 400 {
		t.Fatalf("rows = %d, want 400", n)
	}
}

func itoa(i int) string {
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}
