package media

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// PutFile writes the file of a media id that has none yet (an import),
// atomically, and returns the MIME type its bytes show. A type outside
// Allowed is refused, as for uploads, and nothing is left. The caller
// removes the file with RemoveFile if the object is not committed after
// all; a crash in between is cleaned by Sweep.
func (s *Service) PutFile(id string, r io.Reader) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("%q is not a media id", id)
	}
	final := s.Path(id)
	if _, err := os.Stat(final); err == nil {
		return "", fmt.Errorf("media %s already has a file", id)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	st := &Staged{}
	err := writeAtomicTemp(s.opts.Dir, func(w io.Writer) (err error) {
		st.size, err = io.Copy(w, r)
		return err
	}, func(tmp string) error {
		st.path = tmp
		if err := st.sniff(); err != nil {
			return err
		}
		return os.Rename(tmp, final)
	})
	if err != nil {
		return "", err
	}
	return st.mime.MIME, syncDir(s.opts.Dir)
}

// RemoveFile removes the file of id and its renditions.
func (s *Service) RemoveFile(id string) {
	if ValidID(id) {
		os.Remove(s.Path(id))
		s.removeCached(id)
	}
}

// HasFile reports whether id has a stored file.
func (s *Service) HasFile(id string) bool {
	if !ValidID(id) {
		return false
	}
	_, err := os.Stat(s.Path(id))
	return err == nil
}

// OpenFile opens the original file of id.
func (s *Service) OpenFile(id string) (*os.File, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%q is not a media id", id)
	}
	return os.Open(s.Path(id))
}

// writeAtomicTemp fills a fsynced temporary file in dir and hands its name
// to place, which moves it; the temporary file is removed if anything fails.
// Its name starts with ".tmp-", which Sweep removes after a crash.
func writeAtomicTemp(dir string, fill func(io.Writer) error, place func(tmp string) error) error {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = place(f.Name())
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
