// Package media owns the media library's files: uploads (sniffed, capped,
// written atomically under the data folder's media/ folder and committed
// together with their `_media` object), the resized renditions served under
// /image, and the removal of files whose object is gone. The `_media` and
// `_tag` objects themselves are ordinary content objects (see InternalTypes).
package media

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	_ "golang.org/x/image/bmp" // register decoders for DecodeConfig and resizing
	_ "golang.org/x/image/webp"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	"hookline/backend/content"
	"hookline/backend/errs"
)

// DefaultMaxPixels bounds the decoded size of an image Hookline resizes
// (width × height, checked with image.DecodeConfig before decoding), so a
// small file that claims a huge canvas cannot exhaust memory.
const DefaultMaxPixels = 50_000_000

// Options configures New. Zero fields get defaults.
type Options struct {
	// Dir is the folder files live in (<data>/media). Required.
	Dir string
	// Content is the content service; it may be given later with
	// SetContent (the content service takes this Service as a Hook).
	Content *content.Service
	// MaxBytes returns the current upload cap; nil means 10 MB.
	MaxBytes func(ctx context.Context) int64
	// MaxPixels bounds resizing; default DefaultMaxPixels.
	MaxPixels int64
	// Resizers is how many images may be decoded at once; default 2.
	Resizers int
	Logger   *slog.Logger
	// SweepGrace keeps files younger than this out of Sweep. With one
	// process (SQLite) nothing is between write and commit at start, so
	// the default is 0; instances sharing a folder over PostgreSQL set it,
	// because another one may be between writing a file and creating its object.
	SweepGrace time.Duration
}

// Service stores and serves media files.
type Service struct {
	opts    Options
	content *content.Service
	log     *slog.Logger
	resize  chan struct{}

	mu sync.Mutex
	// deleted are `_media` ids deleted in transactions not yet known to have
	// committed; their files go once the object is confirmed gone.
	deleted map[string]bool
}

// New prepares the media folder (mode 0700) and its cache.
func New(opts Options) (*Service, error) {
	if opts.Dir == "" {
		return nil, errors.New("media: Dir is required")
	}
	if opts.MaxBytes == nil {
		opts.MaxBytes = func(context.Context) int64 { return 10_000_000 }
	}
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = DefaultMaxPixels
	}
	if opts.Resizers <= 0 {
		opts.Resizers = 2
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, "cache"), 0o700); err != nil {
		return nil, fmt.Errorf("media folder %s cannot be created: %w", opts.Dir, err)
	}
	return &Service{opts: opts, content: opts.Content, log: opts.Logger, resize: make(chan struct{}, opts.Resizers), deleted: map[string]bool{}}, nil
}

// SetContent gives the service the content service its objects live in.
func (s *Service) SetContent(c *content.Service) { s.content = c }

// Path is where the file of a media id lives; id must be ValidID.
func (s *Service) Path(id string) string { return filepath.Join(s.opts.Dir, id) }

// Staged is an uploaded file written to a temporary file, not yet stored.
type Staged struct {
	path string
	size int64
	mime sniffed
}

// Discard removes a staged file that will not be committed.
func (st *Staged) Discard() {
	if st != nil && st.path != "" {
		os.Remove(st.path)
		st.path = ""
	}
}

// Stage copies r into a temporary file in the media folder, fsynced,
// refusing more than the upload cap and empty files. Nothing is left behind
// when it fails.
func (s *Service) Stage(ctx context.Context, r io.Reader) (*Staged, error) {
	limit := s.opts.MaxBytes(ctx)
	f, err := os.CreateTemp(s.opts.Dir, ".tmp-upload-*")
	if err != nil {
		return nil, err
	}
	st := &Staged{path: f.Name()}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		// Count the rest (bounded) only to say how large the file was.
		rest, _ := io.Copy(io.Discard, io.LimitReader(r, 1<<30))
		err = errs.InvalidField("file", "The file is too large (%s MB). Allowed maximum size is %s MB.", mb(n+rest), mb(limit))
	}
	if err == nil && n == 0 {
		err = errs.InvalidField("file", "An empty file is not allowed.")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		st.size = n
		err = st.sniff()
	}
	if err != nil {
		st.Discard()
		return nil, err
	}
	return st, nil
}

func (st *Staged) sniff() error {
	f, err := os.Open(st.path)
	if err != nil {
		return err
	}
	defer f.Close()
	if st.mime, err = sniff(f); err != nil {
		return err
	}
	if st.mime.MIME == "" {
		return errs.InvalidField("file", "%s", mimeMessage(st.mime.Detected))
	}
	return nil
}

// mb formats bytes as Flotiq's message does: decimal MB, two decimals
// unless whole.
func mb(n int64) string {
	s := fmt.Sprintf("%.2f", float64(n)/1e6)
	return strings.TrimSuffix(s, ".00")
}

// Commit stores a staged file under a fresh `_media-<uuid>` id and creates
// its `_media` object. The file is renamed into place first: if the object
// cannot be created the file is removed, and if the process dies in
// between, Sweep removes the file at the next start. kind is Flotiq's
// `type` field (image or file).
func (s *Service) Commit(ctx context.Context, st *Staged, fileName, kind string) (content.Object, error) {
	defer st.Discard()
	id := NewID()
	ext := extensionFor(fileName, st.mime.MIME)
	obj := map[string]any{
		"id": id, "fileName": fileName, "mimeType": st.mime.MIME, "size": st.size,
		"url": "/image/0x0/" + id + "." + ext, "source": "disk", "extension": ext, "type": kind,
		"width": 0, "height": 0, "externalId": "",
	}
	if rasters[st.mime.MIME] {
		if w, h, err := dimensions(st.path); err == nil {
			obj["width"], obj["height"] = w, h
		}
	}
	final := s.Path(id)
	if err := os.Rename(st.path, final); err != nil {
		return nil, err
	}
	st.path = ""
	if err := syncDir(s.opts.Dir); err != nil {
		os.Remove(final)
		return nil, err
	}
	out, err := s.content.Create(ctx, TypeName, obj)
	if err != nil {
		os.Remove(final)
		return nil, err
	}
	return out, nil
}

func dimensions(path string) (int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	c, _, err := image.DecodeConfig(f)
	return c.Width, c.Height, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Sweep removes what a crash can leave in the media folder: temporary files,
// files whose `_media` object does not exist or was deleted, and cached
// renditions of those. It runs at start, before requests are served.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			continue
		case s.young(e):
			continue
		case strings.HasPrefix(name, ".tmp-"):
		case ValidID(name) && s.live(ctx, name):
			continue
		}
		if err := os.Remove(filepath.Join(s.opts.Dir, name)); err == nil {
			removed++
		}
		if ValidID(name) {
			s.removeCached(name)
		}
	}
	caches, _ := os.ReadDir(filepath.Join(s.opts.Dir, "cache"))
	for _, c := range caches {
		dir := filepath.Join(s.opts.Dir, "cache", c.Name())
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if _, err := os.Stat(s.Path(f.Name())); strings.HasPrefix(f.Name(), ".tmp-") || (err != nil && errors.Is(err, os.ErrNotExist)) {
				os.Remove(filepath.Join(dir, f.Name()))
			}
		}
	}
	return removed, nil
}

// young reports whether e is within SweepGrace of its last write.
func (s *Service) young(e os.DirEntry) bool {
	if s.opts.SweepGrace <= 0 {
		return false
	}
	fi, err := e.Info()
	return err != nil || time.Since(fi.ModTime()) < s.opts.SweepGrace
}

func (s *Service) live(ctx context.Context, id string) bool {
	_, err := s.content.Get(ctx, TypeName, id)
	return err == nil || errs.CodeOf(err) != errs.NotFound
}

func (s *Service) removeCached(id string) {
	dirs, _ := os.ReadDir(filepath.Join(s.opts.Dir, "cache"))
	for _, d := range dirs {
		os.Remove(filepath.Join(s.opts.Dir, "cache", d.Name(), id))
	}
}

// ChangedTx implements content.Hook: it notes deleted `_media` objects.
func (s *Service) ChangedTx(_ context.Context, _ *gorm.DB, c content.Change) error {
	if c.ContentType == TypeName && c.Action == content.ActionDelete {
		s.mu.Lock()
		s.deleted[c.ObjectID] = true
		s.mu.Unlock()
	}
	return nil
}

// Committed implements content.Hook: files of deleted objects go. Each is
// checked again, because the commit that woke this may be another
// transaction's; an object still alive keeps its file (and its id is
// checked after the next commit).
func (s *Service) Committed() {
	s.mu.Lock()
	ids := make([]string, 0, len(s.deleted))
	for id := range s.deleted {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		if s.live(context.Background(), id) {
			continue
		}
		s.mu.Lock()
		delete(s.deleted, id)
		s.mu.Unlock()
		if ValidID(id) {
			os.Remove(s.Path(id))
			s.removeCached(id)
		}
	}
}

// RolledBack implements content.Hook: deletes that rolled back keep their
// files.
func (s *Service) RolledBack() {
	s.mu.Lock()
	clear(s.deleted)
	s.mu.Unlock()
}
