package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/datasets/datasetstest"
)

func TestDataUsage(t *testing.T) {
	dir := t.TempDir()
	checkRuns(t, []runCase{
		{[]string{"data"}, 2, "want a subcommand"},
		{[]string{"data", "-h"}, 0, "usage: gwg data"},
		{[]string{"data", "frobnicate"}, 2, `unknown subcommand "frobnicate"`},
		{[]string{"data", "info", "-h"}, 0, "usage: gwg data info"},
		{[]string{"data", "info", "extra"}, 2, "unexpected arguments"},
		{[]string{"data", "download"}, 2, "--dataset is required"},
		{[]string{"data", "download", "--dataset", "mnist"}, 2, `unknown data set "mnist"`},
		{[]string{"data", "download", "--dataset", "dynamic_mnist", "--data-dir", dir}, 1, "needs no download"},
		{[]string{"data", "show", "--dataset", "caltech", "--split", "dev"}, 2, `unknown split "dev"`},
		{[]string{"data", "show", "--n", "0"}, 2, "--n must be at least 1"},
		{[]string{"data", "show", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"data", "show", "--dataset", "omniglot", "--data-dir", dir}, 1, "images_background.npz"},
	})
}

func TestDataInfo(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"data", "info", "--data-dir", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"data directory: " + dir, "static_mnist (missing: run gwg data download --dataset static_mnist)",
		"dynamic_mnist (ready)", "omniglot", "caltech", "binarized_mnist_train.amat", "missing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("info output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDataShowDynamicMNIST(t *testing.T) {
	datasetstest.SkipShort(t)
	path := filepath.Join(t.TempDir(), "grid.png")
	var out, errb bytes.Buffer
	if code := run([]string{"data", "show", "--dataset", "dynamic_mnist", "--split", "train", "--n", "10", "--out", path, "--seed", "3"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	img := datasetstest.ReadPNG(t, path)
	// 10 images: 4 across, 3 down, 28 pixels plus 1-pixel separators.
	if b := img.Bounds(); b.Dx() != 4*29+1 || b.Dy() != 3*29+1 {
		t.Errorf("grid is %v", b)
	}
	if !strings.Contains(out.String(), "10 random train examples of dynamic_mnist") {
		t.Errorf("output %q", out.String())
	}
}

func TestDataDownloadFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run([]string{"data", "download", "--dataset", "caltech", "--data-dir", dir, "--base-url", srv.URL}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "404") {
		t.Errorf("exit %d, stderr %q; want 1 and the HTTP status", code, errb.String())
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "caltech101_silhouettes"))
	if len(ents) != 0 {
		t.Errorf("a failed download left %d files", len(ents))
	}
}

// writeNPY writes a version 1.0 .npy file of uint8 values.
func writeNPY(t *testing.T, path string, shape string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, npyBytes(shape, data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDataFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "codes.npy")
	codes := make([]byte, 30*2*3)
	for i := range codes {
		codes[i] = byte(i % 5)
	}
	writeNPY(t, path, "(30, 2, 3)", codes)
	png := filepath.Join(dir, "g.png")
	checkRuns(t, []runCase{
		{[]string{"data", "info", "--data", path}, 0, "examples of 2 × 3 sites, 5 categories (categorical, one-hot for models)\n  examples: 24 train, 3 valid, 3 test"},
		{[]string{"data", "info", "--data", path, "--categories", "4"}, 1, "code 4 is out of range for 4 categories (codes 0..3) at codes[0, 1, 1]"},
		{[]string{"data", "info", "--categories", "4"}, 2, "--categories applies only with --data"},
		{[]string{"data", "show", "--data", path, "--dataset", "caltech"}, 2, "give --dataset or --data, not both"},
		{[]string{"data", "show", "--data", path, "--n", "4", "--out", png, "--split", "valid"}, 2, "--n 4 is more than the 3 examples of codes.npy/valid"},
		{[]string{"data", "show", "--data", path, "--n", "3", "--out", png, "--split", "valid"}, 0, "wrote " + png + ": 3 random valid examples of codes.npy"},
	})
	// 3 examples of 2×3: 2 across, 2 down.
	if b := datasetstest.ReadPNG(t, png).Bounds(); b.Dx() != 2*4+1 || b.Dy() != 2*3+1 {
		t.Errorf("grid is %v", b)
	}
}

// TestDataInfoChecksFiles: files that are there but empty or corrupt are
// not "ready" (issue 13).
func TestDataInfoChecksFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"omniglot/images_background.npz", "omniglot/images_evaluation.npz", "freyfaces/freyfaces.npz"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		data := []byte{}
		if strings.HasPrefix(f, "frey") {
			data = bytes.Repeat([]byte("not a zip "), 1000)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"data", "info", "--data-dir", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"omniglot (unusable: images_background.npz is empty (0 bytes); delete the bad file and run gwg data download --dataset omniglot)",
		"freyfaces (unusable: datasets: reading " + filepath.Join(dir, "freyfaces", "freyfaces.npz") + ": ",
		"zip: not a valid zip file; delete the bad file and run gwg data download --dataset freyfaces)",
		"dynamic_mnist (ready)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("info output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDataShowFreyFaces(t *testing.T) {
	dir := datasetstest.DataDir(t)
	png := filepath.Join(t.TempDir(), "frey.png")
	var out, errb bytes.Buffer
	if code := run([]string{"data", "show", "--dataset", "freyfaces", "--data-dir", dir, "--out", png}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	img := datasetstest.ReadPNG(t, png)
	// 64 faces of 28 rows × 20 columns: 8 across, 8 down.
	if b := img.Bounds(); b.Dx() != 8*21+1 || b.Dy() != 8*29+1 {
		t.Errorf("grid is %v", b)
	}
}
