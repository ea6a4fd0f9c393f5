package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Mode is the permission of every file this package writes. os.CreateTemp
// makes files private (0600); the outputs here are ordinary files.
const Mode = 0o644

// Write writes path atomically with write, which gets a buffered writer of
// the temporary file. If write fails, path is untouched.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Commit()
}

// File is a new version of a file under construction. Its data go to a
// temporary file that Commit publishes under the destination's name and
// Abort discards. Callers should defer Abort right after Create: after a
// successful Commit it does nothing.
type File struct {
	f    *os.File
	path string
	done bool
}

// Create starts a new version of the file at path. Its folder must exist.
func Create(path string) (*File, error) {
	// The leading dot keeps a half-written file out of globs like *.png.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{f: f, path: path}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, os.ErrClosed
	}
	return f.f.Write(p)
}

// TempName is the path of the temporary file, for checking what has been
// written before Commit.
func (f *File) TempName() string { return f.f.Name() }

// Commit syncs the temporary file and renames it over the destination. On
// error the temporary file is removed and the destination is left as it
// was, except when only the final sync of the folder fails: the new file is
// then in place but might not survive a crash.
func (f *File) Commit() error {
	if f.done {
		return os.ErrClosed
	}
	if err := f.publish(); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	d, err := os.Open(filepath.Dir(f.path))
	if err != nil {
		return fmt.Errorf("syncing folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder: %w", err)
	}
	return nil
}

func (f *File) publish() error {
	if err := f.f.Chmod(Mode); err != nil {
		return err
	}
	if err := f.f.Sync(); err != nil {
		return err
	}
	if err := f.f.Close(); err != nil {
		return err
	}
	return os.Rename(f.f.Name(), f.path)
}

// Abort discards the temporary file. It does nothing after Commit or a
// previous Abort.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	// Close may already have happened in a failed Commit; neither its error
	// nor Remove's helps a caller that is already failing.
	f.f.Close()
	os.Remove(f.f.Name())
}
