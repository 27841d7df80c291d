package dbconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hookline/backend/errs"
)

const secret = "Sup3r-Secret-pw"

var savedURL = "postgres://hook:" + secret + "@db.example:5432/h"

func TestResolvePrecedence(t *testing.T) {
	t.Parallel()
	withFile := t.TempDir()
	if err := Save(withFile, savedURL); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	const flagURL, envURL = "postgres://f@flag.example/db", "postgres://e@env.example/db"
	for _, tt := range []struct {
		name, flag, env, dir string
		want                 Choice
	}{
		{"flag beats env and file", flagURL, envURL, withFile, Choice{flagURL, FromFlag}},
		{"env beats the file", "", envURL, withFile, Choice{envURL, FromEnv}},
		{"the file beats SQLite", "", "", withFile, Choice{savedURL, FromFile}},
		{"no file: SQLite", "", "", empty, Choice{"", FromDefault}},
		{"a missing data folder: SQLite", "", "", filepath.Join(empty, "not-yet"), Choice{"", FromDefault}},
		{"a data folder under a file: left to the folder check", "", "", filepath.Join(Path(withFile), "data"), Choice{"", FromDefault}},
	} {
		got, err := Resolve(tt.flag, tt.env, tt.dir)
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
		if got.Pinned() != (tt.want.Source == FromFlag || tt.want.Source == FromEnv) {
			t.Errorf("%s: Pinned() = %v", tt.name, got.Pinned())
		}
	}
}

// TestSaveIsAtomicAndPrivate: the file is 0600 even over an older, looser
// one (a new file renamed over it, not rewritten in place), no temporary
// file is left behind, and a failed write leaves the old file whole.
func TestSaveIsAtomicAndPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := Path(dir)
	if err := os.WriteFile(p, []byte(`{"engine":"postgres","url":"postgres://old@h/db"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(p)
	if err := Save(dir, savedURL); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if m := after.Mode().Perm(); m != 0o600 {
		t.Errorf("mode %v, want 0600", m)
	}
	if os.SameFile(before, after) {
		t.Error("the file was rewritten in place, not replaced by a rename")
	}
	if u, ok, err := Load(dir); err != nil || !ok || u != savedURL {
		t.Fatalf("Load = %q, %v, %v", u, ok, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}

	// A folder that cannot be written: the save fails and the old file
	// is untouched (root ignores the permission, so check what it can).
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	err = Save(dir, "postgres://new@h/db")
	if os.Geteuid() != 0 {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("save into a read-only folder: %v", err)
		}
	}
	if err != nil {
		if u, _, _ := Load(dir); u != savedURL {
			t.Errorf("a failed save changed the file to %q", u)
		}
	}
}

func TestSaveRefusesWhatIsNotPostgres(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, bad := range []string{"", "mysql://u:" + secret + "@h/db", "host=h password=" + secret, "postgres://u:" + secret + "@h:notaport/db"} {
		err := Save(dir, bad)
		if err == nil {
			t.Errorf("%q was saved", bad)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error repeats the password: %v", bad, err)
		}
	}
	if _, err := os.Stat(Path(dir)); !os.IsNotExist(err) {
		t.Errorf("a refused URL left a file: %v", err)
	}
}

// TestBrokenFileIsAnErrorNamingItWithoutThePassword: never a silent
// fallback to SQLite, never the password in the message.
func TestBrokenFileIsAnErrorNamingItWithoutThePassword(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"engine":"postgres","url":"postgres://u:` + secret + `@h/db"`,
		`{"engine":"postgres","url":"postgres://u:` + secret + `@h/db",}`,
		`{"engine":"postgres","url":postgres://u:` + secret + `@h/db}`,
		`{"engine":"mysql","url":"mysql://u:` + secret + `@h/db"}`,
		`{"engine":"postgres","url":"mysql://u:` + secret + `@h/db"}`,
		`{"engine":"postgres","url":"postgres://u:` + secret + `@h:port/db"}`,
		`{"engine":"postgres","url":["` + secret + `"]}`,
		`{"engine":"postgres","password":"` + secret + `"}`,
		secret,
		``,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(Path(dir), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Resolve("", "", dir)
		switch {
		case err == nil:
			t.Errorf("%s: accepted", body)
		case !strings.Contains(err.Error(), Path(dir)):
			t.Errorf("%s: the error does not name the file: %v", body, err)
		case strings.Contains(err.Error(), secret):
			t.Errorf("%s: the error repeats the password: %v", body, err)
		}
	}
}

func TestPinnedRefusesSaveAndClear(t *testing.T) {
	t.Parallel()
	for _, src := range []Source{FromFlag, FromEnv} {
		dir := t.TempDir()
		if err := Save(dir, savedURL); err != nil {
			t.Fatal(err)
		}
		s := New(Options{DataDir: dir, Running: Choice{URL: "postgres://u@pinned.example/db", Source: src}})
		if _, err := s.Save(t.Context(), "postgres://u@other.example/db"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("%s: save = %v, want a conflict", src, err)
		}
		if _, err := s.Clear(); errs.CodeOf(err) != errs.Conflict || !strings.Contains(err.Error(), "cannot be changed in Settings") {
			t.Errorf("%s: clear = %v, want a conflict", src, err)
		}
		if u, _, _ := Load(dir); u != savedURL {
			t.Errorf("%s: the file changed to %q", src, u)
		}
		v, err := s.Current()
		if err != nil || v.PinnedBy == "" || v.RestartNeeded || v.Next != "postgres" {
			t.Errorf("%s: %+v, %v", src, v, err)
		}
	}
}

// TestCurrentSaysWhenARestartIsNeeded, with a file written as Settings
// would; the service's own Save needs a server (see probe_test.go).
func TestCurrentSaysWhenARestartIsNeeded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := New(Options{DataDir: dir, Location: filepath.Join(dir, "hookline.db")})
	v, err := s.Current()
	if err != nil || v.Engine != "sqlite" || v.Source != FromDefault || v.RestartNeeded || v.Saved != "" || v.Next != "sqlite" || v.File != Path(dir) {
		t.Fatalf("fresh: %+v, %v", v, err)
	}
	if err := Save(dir, savedURL); err != nil {
		t.Fatal(err)
	}
	v, _ = s.Current()
	if !v.RestartNeeded || v.Next != "postgres" || v.Saved != "postgres://hook:xxxxx@db.example:5432/h" {
		t.Errorf("after a save: %+v", v)
	}
	if v, err = s.Clear(); err != nil || v.RestartNeeded || v.Saved != "" || v.Next != "sqlite" {
		t.Errorf("after clear: %+v, %v", v, err)
	}
	if _, err := os.Stat(Path(dir)); !os.IsNotExist(err) {
		t.Errorf("clear left the file: %v", err)
	}

	// Running on the saved database: nothing to restart for, until clear.
	if err := Save(dir, savedURL); err != nil {
		t.Fatal(err)
	}
	s = New(Options{DataDir: dir, Running: Choice{URL: savedURL, Source: FromFile}, Location: "postgres://hook:xxxxx@db.example:5432/h"})
	if v, _ = s.Current(); v.RestartNeeded || v.Engine != "postgres" || v.Source != FromFile {
		t.Errorf("running on the file's database: %+v", v)
	}
	if v, _ = s.Clear(); !v.RestartNeeded || v.Next != "sqlite" {
		t.Errorf("cleared while running on it: %+v", v)
	}
	body, _ := os.ReadFile(Path(dir))
	if strings.Contains(v.Location+v.Saved+string(body), secret) {
		t.Errorf("the view holds the password: %+v", v)
	}
}
