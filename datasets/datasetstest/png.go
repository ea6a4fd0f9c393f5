package datasetstest

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadPNG decodes the PNG file at path, as the atomic writers of the module
// must leave it: an ordinary 0644 file with no hidden temporary file of the
// same name (".name.…") beside it. It fails the test otherwise.
func ReadPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o644 {
		t.Errorf("%s: mode %v, want -rw-r--r--", path, perm)
	}
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(path)+".") {
			t.Errorf("temporary file %s left beside %s", e.Name(), path)
		}
	}
	return img
}
