// Package datasetstest gives tests of any package the real data sets, with
// one rule for when they are missing: without a data directory a test is
// skipped, unless the environment variable CI is "true", where it fails.
// It also checks the PNG files that the module's tools write (ReadPNG).
package datasetstest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gwg-go/gwg/datasets"
)

// SkipShort skips a test that reads a real data set (the dynamic MNIST of
// the Go module cache included) under go test -short: make test runs it,
// make test-short does not.
func SkipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("reads a real data set: skipped under -short (make test runs it)")
	}
}

// DataDir returns $GWG_DATA_DIR. A relative path is taken relative to the
// module root (the folder of go.mod), where "go test ./..." is run from,
// because go test runs each package's tests in the package's own folder. If
// the variable is unset or not a directory, the test is skipped with a
// message saying how to run it, or fails if CI=true.
func DataDir(t testing.TB) string {
	t.Helper()
	SkipShort(t)
	dir := fromModuleRoot(os.Getenv("GWG_DATA_DIR"))
	msg := ""
	if dir == "" {
		msg = "GWG_DATA_DIR is not set"
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		msg = "GWG_DATA_DIR=" + dir + " is not a directory"
	}
	if msg != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; in CI the real-data tests must run (set GWG_DATA_DIR to the data directory)", msg)
		}
		t.Skipf("%s: skipping the real-data test (set it to the data directory, e.g. ../shared/data, to run it)", msg)
	}
	return dir
}

// fromModuleRoot joins a relative path to the nearest folder above the
// working directory that holds go.mod.
func fromModuleRoot(dir string) string {
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, dir)
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

var (
	mu   sync.Mutex
	sets = map[string]*datasets.Set{}
)

// Open returns the data set name from DataDir (dynamic_mnist needs no data
// directory), loading it once per test binary: the sets are large and slow
// to build, so tests must not modify them. It fails the test if loading
// fails.
func Open(t testing.TB, name string) *datasets.Set {
	t.Helper()
	SkipShort(t)
	dir := ""
	if name != "dynamic_mnist" {
		dir = DataDir(t)
	}
	mu.Lock()
	defer mu.Unlock()
	if s := sets[name]; s != nil {
		return s
	}
	s, err := datasets.Open(name, dir)
	if err != nil {
		t.Fatal(err)
	}
	sets[name] = s
	return s
}
