package datasets

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"static_mnist", "dynamic_mnist", "omniglot", "caltech", "freyfaces"}) {
		t.Errorf("Names = %v", got)
	}
	if _, err := Open("mnist", t.TempDir()); err == nil || !strings.Contains(err.Error(), "unknown data set") {
		t.Errorf("Open(unknown): err = %v", err)
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("GWG_DATA_DIR", "/env/dir")
	if got := DataDir("/flag/dir"); got != "/flag/dir" {
		t.Errorf("flag: %q", got)
	}
	if got := DataDir(""); got != "/env/dir" {
		t.Errorf("env: %q", got)
	}
	t.Setenv("GWG_DATA_DIR", "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	t.Setenv("HOME", "/home/u")
	if got := DataDir(""); !strings.HasSuffix(got, filepath.FromSlash("gwg/data")) {
		t.Errorf("default: %q", got)
	}
}

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	d, _ := lookup("static_mnist")
	writeFile(t, dir, filepath.Join(d.folder, d.files[0]), []byte("0 1\n"))
	info, err := Describe("static_mnist", dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Ready || len(info.Files) != 3 || !info.Files[0].Present || info.Files[0].Size != 4 || info.Files[1].Present || info.Files[1].Size != -1 {
		t.Errorf("Describe = %+v", info)
	}
	if info.Sizes != [3]int{50000, 10000, 10000} {
		t.Errorf("sizes %v", info.Sizes)
	}
	if info, _ := Describe("dynamic_mnist", dir); info.Dir != GoMNISTDir() {
		t.Errorf("dynamic_mnist is looked for in %s, want the module cache", info.Dir)
	}
	// Open's error for missing files names the file.
	if _, err := Open("static_mnist", dir); err == nil || !strings.Contains(err.Error(), d.files[0]) {
		t.Errorf("Open on a bad file: err = %v", err)
	}
	if _, err := Open("omniglot", dir); err == nil || !strings.Contains(err.Error(), omniglotFiles[0]) {
		t.Errorf("Open on missing files: err = %v", err)
	}
}
