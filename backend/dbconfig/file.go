// Package dbconfig decides which database a data folder's Hookline opens:
// the --database flag, else HOOKLINE_DATABASE_URL, else the database.json
// file that Settings writes, else SQLite in the data folder. Both the
// desktop window and `hookline serve` read the same file, so one data
// folder behaves the same whichever way it is opened. The file holds a
// password: it is written atomically with mode 0600, and nothing here ever
// puts the password in an error or an answer.
package dbconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/jackc/pgx/v5"

	"hookline/backend/store"
)

// FileName is the file in the data folder that holds Settings' choice.
const FileName = "database.json"

// Source says where the database of a run was chosen.
type Source string

// The sources, strongest first.
const (
	FromFlag    Source = "flag"    // --database
	FromEnv     Source = "env"     // HOOKLINE_DATABASE_URL
	FromFile    Source = "file"    // database.json, written by Settings
	FromDefault Source = "default" // SQLite in the data folder
)

// EnvVar is the environment variable that pins the database.
const EnvVar = "HOOKLINE_DATABASE_URL"

// Choice is the database a run opens: URL "" means SQLite.
type Choice struct {
	URL    string
	Source Source
}

// Pinned reports whether the flag or the environment decided, so that
// Settings cannot change it.
func (c Choice) Pinned() bool { return c.Source == FromFlag || c.Source == FromEnv }

// Resolve applies the precedence: flagURL > envURL > the file in dataDir >
// SQLite. A file that exists but cannot be read or parsed is an error that
// names the file, never a silent fallback to SQLite: with a team on a
// shared database, that would split its data.
func Resolve(flagURL, envURL, dataDir string) (Choice, error) {
	switch {
	case flagURL != "":
		return Choice{URL: flagURL, Source: FromFlag}, nil
	case envURL != "":
		return Choice{URL: envURL, Source: FromEnv}, nil
	}
	u, ok, err := Load(dataDir)
	if err != nil {
		return Choice{}, err
	}
	if ok {
		return Choice{URL: u, Source: FromFile}, nil
	}
	return Choice{Source: FromDefault}, nil
}

// file is database.json. Engine is there for a person reading the file.
type file struct {
	Engine string `json:"engine"`
	URL    string `json:"url"`
}

// Path is where the file lives in dataDir.
func Path(dataDir string) string { return filepath.Join(dataDir, FileName) }

// Load reads the URL saved in dataDir; ok is false when there is no file.
// Its errors name the file but never quote its content.
func Load(dataDir string) (url string, ok bool, err error) {
	p := Path(dataDir)
	b, err := os.ReadFile(p)
	// ENOTDIR: the data folder's path runs through a file, so no folder
	// and no choice; opening the data folder says what is wrong.
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("%s cannot be read: %w", p, err)
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		// json's messages may quote a character of the input, and the
		// input holds a password: say where, not what.
		return "", false, fmt.Errorf("%s is not valid: %s; fix it, or delete it to use SQLite in the data folder", p, where(err))
	}
	if f.Engine != "postgres" {
		return "", false, fmt.Errorf(`%s is not valid: "engine" must be "postgres"; fix it, or delete it to use SQLite in the data folder`, p)
	}
	if err := Check(f.URL); err != nil {
		return "", false, fmt.Errorf("%s is not valid: %v; fix it, or delete it to use SQLite in the data folder", p, err)
	}
	return f.URL, true, nil
}

// where describes a JSON decoding error by its position only.
func where(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("broken JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%q must be a %s", te.Field, te.Type)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the JSON ends too early"
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty"
	}
	return "want {\"engine\": \"postgres\", \"url\": \"postgres://…\"}"
}

// Check validates a PostgreSQL URL's form without connecting. Its message
// never repeats the password.
func Check(u string) error {
	if !store.IsDatabaseURL(u) {
		return errors.New("must be a PostgreSQL URL, postgres://user:password@host:5432/db")
	}
	if _, err := pgx.ParseConfig(u); err != nil {
		return fmt.Errorf("is not a usable PostgreSQL URL (%s)", store.RedactURL(u))
	}
	return nil
}

// Save writes u as the data folder's database: a temporary file in the
// same folder with mode 0600, fsynced, then renamed over the old one, so a
// crash leaves the old file or the new one, never half of one.
func Save(dataDir, u string) error {
	if err := Check(u); err != nil {
		return err
	}
	b, err := json.MarshalIndent(file{Engine: "postgres", URL: u}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dataDir, "."+FileName+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing left to remove
	// CreateTemp makes the file 0600 already; say so, whatever it does.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	if err := os.Rename(tmp.Name(), Path(dataDir)); err != nil {
		return fmt.Errorf("cannot write %s: %w", Path(dataDir), err)
	}
	syncDir(dataDir)
	return nil
}

// Remove deletes the file: the next start uses SQLite again.
func Remove(dataDir string) error {
	if err := os.Remove(Path(dataDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove %s: %w", Path(dataDir), err)
	}
	syncDir(dataDir)
	return nil
}

// syncDir makes a rename or removal in dir durable; where a folder cannot
// be fsynced (some file systems), the change is still atomic.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
