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
	if !strings.Contains(out.String(), "10 random train images of dynamic_mnist") {
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
