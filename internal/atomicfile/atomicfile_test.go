package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// assertFile checks that path holds want with mode 0644 and that it is the
// only file in its folder.
func assertFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != Mode {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), os.FileMode(Mode))
	}
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{filepath.Base(path)}; !reflect.DeepEqual(names, want) {
		t.Errorf("folder holds %q, want %q", names, want)
	}
}

func TestWrite(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name  string
		old   bool
		write func(io.Writer) error
		want  string
		err   error
	}{
		{"new", false, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", nil},
		{"replace", true, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", nil},
		{"failure keeps old", true, func(w io.Writer) error { io.WriteString(w, "partial"); return errBoom }, "old", errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.txt")
			if tt.old {
				if err := os.WriteFile(path, []byte("old"), Mode); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(path, tt.write)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Write: error %v, want %v", err, tt.err)
			}
			assertFile(t, path, tt.want)
		})
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	if err := Write(path, func(io.Writer) error { return io.ErrShortWrite }); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("error %v, want %v", err, io.ErrShortWrite)
	}
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Errorf("folder holds %d files after a failed write, want none", len(ents))
	}
}

func TestMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "f.txt")
	if err := Write(path, func(io.Writer) error { return nil }); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want one wrapping os.ErrNotExist", err)
	}
}

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.bin")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := io.WriteString(f, "data"); err != nil {
		t.Fatal(err)
	}
	// The temporary file can be checked before it is published.
	if got, err := os.ReadFile(f.TempName()); err != nil || string(got) != "data" {
		t.Fatalf("temporary file holds %q (error %v), want %q", got, err, "data")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("destination exists before Commit (error %v)", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no effect after Commit
	assertFile(t, path, "data")
	if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Commit: error %v, want %v", err, os.ErrClosed)
	}
	if err := f.Commit(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Commit: error %v, want %v", err, os.ErrClosed)
	}
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "data")
	f.Abort()
	if err := f.Commit(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Commit after Abort: error %v, want %v", err, os.ErrClosed)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Errorf("folder holds %d files after Abort, want none", len(ents))
	}
}

func ExampleWrite() {
	path := filepath.Join(os.TempDir(), "atomicfile-example.txt")
	defer os.Remove(path)
	err := Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "hello\n")
		return err
	})
	if err != nil {
		panic(err)
	}
	b, _ := os.ReadFile(path)
	os.Stdout.Write(b)
	// Output: hello
}
