package datasetstest

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true; panic(r) }
func (r *recorder) Fatal(...any)          { r.failed = true; panic(r) }
func (r *recorder) Helper()               {}

// readPNG reports whether ReadPNG fails on path.
func readPNG(t *testing.T, path string) (failed bool) {
	r := &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != any(r) {
			panic(p)
		}
		failed = r.failed
	}()
	ReadPNG(r, path)
	return
}

func TestReadPNG(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, mode)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 2, 3))); err != nil {
			t.Fatal(err)
		}
		if err := f.Chmod(mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	good := write("good.png", 0o644)
	private := write("private.png", 0o600)
	left := write("left.png", 0o644)
	write(".left.png.123.tmp", 0o600)
	notPNG := filepath.Join(dir, "text.png")
	if err := os.WriteFile(notPNG, []byte("not a PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		fail bool
	}{
		{good, false},
		{private, true},
		{left, true},
		{notPNG, true},
		{filepath.Join(dir, "absent.png"), true},
	} {
		if got := readPNG(t, tc.path); got != tc.fail {
			t.Errorf("ReadPNG(%s) failed = %v, want %v", filepath.Base(tc.path), got, tc.fail)
		}
	}
	if b := ReadPNG(t, good).Bounds(); b.Dx() != 2 || b.Dy() != 3 {
		t.Errorf("ReadPNG decoded a %v image, want 2×3", b)
	}
}
