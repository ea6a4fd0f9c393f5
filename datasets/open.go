package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Seeds of the one-off binarisations, shuffles and splits. They are part of
// the data protocol: changing one changes every number measured on the
// splits it makes.
const (
	seedMNISTValid      = 0x6777675f6d76 // "gwg_mv"
	seedMNISTTest       = 0x6777675f6d74 // "gwg_mt"
	seedOmniglotShuffle = 0x6777675f6f73 // "gwg_os"
	seedOmniglotValid   = 0x6777675f6f76 // "gwg_ov"
	seedOmniglotTest    = 0x6777675f6f74 // "gwg_ot"
	seedCaltechSplit    = 0x6777675f6373 // "gwg_cs"
	seedFreyShuffle     = 0x6777675f6673 // "gwg_fs"
	seedFileSplit       = 0x6777675f7573 // "gwg_us", with the user's seed
)

// dataset describes where one data set's files live and how big it is.
type dataset struct {
	name   string
	folder string   // under the data directory ("" for dynamic_mnist)
	files  []string // alternatives are listed in order of preference
	sizes  [3]int   // train, valid, test
	about  string
}

// knownSHA256 are the checksums of known good copies of the data files
// (the canonical files where they are published, and the copies of
// ../shared/data). Describe trusts a file with one of them without reading
// it, and reads any other file to check it.
var knownSHA256 = map[string]string{
	"binarized_mnist_train.amat": "79a0312c7389d855cfc97e3812de3998417c5829d8a51543b56a90a91252ae7e", // MAT-file form
	"binarized_mnist_valid.amat": "7436afc856959075c7787025bb8a4ba2b520b9230ee39667c66aa7dd2819dd68",
	"binarized_mnist_test.amat":  "5bc30222e1e7896cbccd1e1db6b28540cc1230f4d2d5473841a5f6cc54be8d38",
	"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	"t10k-images-idx3-ubyte.gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	"images_background.npz":      "8bf84167413cd00beacdce3fe582f780ab538d8dbef043a6d688f2527bbce199",
	"images_evaluation.npz":      "0b84c7ffd94c4841c0040e529c86a82eaaccb986d8eadad5673f7991b7475276",
	caltechAllFile:               "862d0a4b828256d54ad5de7c5066c18c72f355cac5b7cde4c1c3be7c000d180b",
	freyNPZ:                      "73b72946c19a23d8e5ec6e0858879ba326ba8cdaa1439f67549affee9cca3423",
	freyPickle:                   freyPickleSHA256,
}

var datasetList = []dataset{
	{
		name:   "static_mnist",
		folder: "binarized_mnist",
		files:  []string{"binarized_mnist_train.amat", "binarized_mnist_valid.amat", "binarized_mnist_test.amat"},
		sizes:  [3]int{50000, 10000, 10000},
		about:  "binarized MNIST of Larochelle & Murray (2011), fixed binarisation",
	},
	{
		name:  "dynamic_mnist",
		files: mnistFiles,
		sizes: [3]int{mnistTrain - mnistValid, mnistValid, mnistTest},
		about: "gray MNIST from the Go module " + gomnistPath + ", training re-binarised at every draw",
	},
	{
		name:   "omniglot",
		folder: "omniglot",
		files:  omniglotFiles,
		sizes:  [3]int{(omniBackground+omniEvaluation)*omniTrainDrawers - omniValid, omniValid, (omniBackground + omniEvaluation) * (omniDrawers - omniTrainDrawers)},
		about:  "Omniglot 105×105 downscaled to 28×28 (a rebuild close to, not identical with, Burda et al.'s chardata.mat)",
	},
	{
		name:   "caltech",
		folder: "caltech101_silhouettes",
		files:  []string{caltechSplitFile, caltechAllFile},
		sizes:  caltechSizes,
		about:  "Caltech-101 Silhouettes 28×28 (Marlin et al. 2010), object = 1",
	},
	{
		name:   "freyfaces",
		folder: "freyfaces",
		files:  []string{freyNPZ, freyPickle},
		sizes:  freySizes,
		about:  "Frey Faces, 28×20 gray faces of 256 levels, categorical (a seeded 1,565 / 200 / 200 split)",
	},
}

func lookup(name string) (dataset, error) {
	for _, d := range datasetList {
		if d.name == name {
			return d, nil
		}
	}
	return dataset{}, fmt.Errorf("datasets: unknown data set %q (want one of %v)", name, Names())
}

// Names returns the names Open accepts.
func Names() []string {
	names := make([]string, len(datasetList))
	for i, d := range datasetList {
		names[i] = d.name
	}
	return names
}

// DataDir returns the data directory: flagValue if it is not empty, else
// $GWG_DATA_DIR, else gwg/data under the user's cache directory
// (os.UserCacheDir), else under the temporary directory.
func DataDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if d := os.Getenv("GWG_DATA_DIR"); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "gwg", "data")
	}
	return filepath.Join(os.TempDir(), "gwg", "data")
}

// Open loads the data set name from dataDir. dynamic_mnist ignores dataDir:
// it is read from the module cache (GoMNISTDir).
func Open(name, dataDir string) (*Set, error) {
	d, err := lookup(name)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(dataDir, d.folder)
	switch name {
	case "static_mnist":
		return openStatic(dir, d.sizes)
	case "dynamic_mnist":
		return openDynamicMNIST(GoMNISTDir())
	case "omniglot":
		return openOmniglot(dir, [2]int{omniBackground, omniEvaluation}, omniValid)
	case "freyfaces":
		return openFrey(dir)
	default: // caltech
		split1 := filepath.Join(dir, caltechSplitFile)
		if _, err := os.Stat(split1); errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(dir, caltechAllFile)); err == nil {
				return readCaltechAll(filepath.Join(dir, caltechAllFile), d.sizes)
			}
		}
		return readCaltechSplit1(split1, d.sizes)
	}
}

// openStatic reads the three .amat files of static MNIST from dir.
func openStatic(dir string, sizes [3]int) (*Set, error) {
	const ds = "static_mnist"
	d, _ := lookup(ds)
	set := &Set{Name: ds}
	for i, p := range []**Split{&set.Train, &set.Valid, &set.Test} {
		images, n, err := readAmat(filepath.Join(dir, d.files[i]), sizes[i])
		if err != nil {
			return nil, err
		}
		*p = &Split{Dataset: ds, Name: splitNames[i], N: n, Shape: ImageShape, Images: images}
	}
	return set, nil
}

// File is one file a data set is read from.
type File struct {
	Path    string
	Size    int64 // bytes; -1 if missing
	Present bool
}

// Info describes where a data set is looked for and what is there.
type Info struct {
	Name  string
	About string
	Sizes [3]int // images in train, valid, test
	Dir   string
	Files []File
	Note  string // how the files present will be read, where it matters
	// Ready reports whether Open can find every file it needs and they are
	// good: each has a known checksum, or else Open reads them without
	// error.
	Ready bool
	// Verified reports that every file present has a known checksum.
	Verified bool
	// Problem says why files that are present cannot be used (empty,
	// corrupt), or is empty.
	Problem string
}

// Describe reports where Open looks for the data set name, which of its
// files are present and whether they are good. It hashes the files present
// (a few MB each) and reads them with Open only when a checksum is not a
// known one.
func Describe(name, dataDir string) (Info, error) {
	d, err := lookup(name)
	if err != nil {
		return Info{}, err
	}
	dir := filepath.Join(dataDir, d.folder)
	if name == "dynamic_mnist" {
		dir = GoMNISTDir()
	}
	info := Info{Name: name, About: d.about, Sizes: d.sizes, Dir: dir, Ready: true}
	anyPresent := false
	for _, f := range d.files {
		file := File{Path: filepath.Join(dir, f), Size: -1}
		if st, err := os.Stat(file.Path); err == nil && st.Mode().IsRegular() {
			file.Size, file.Present = st.Size(), true
			anyPresent = true
		} else {
			info.Ready = false
		}
		info.Files = append(info.Files, file)
	}
	switch name {
	case "caltech":
		info.Ready = anyPresent // either file will do
		switch {
		case info.Files[0].Present:
			info.Note = "the canonical split of " + caltechSplitFile
		case info.Files[1].Present:
			info.Note = "a seeded split of " + caltechAllFile + ", not the canonical split (download the canonical one with gwg data download --dataset caltech)"
		}
	case "freyfaces":
		info.Ready = anyPresent // either file will do
		switch {
		case info.Files[0].Present:
			info.Note = "read from " + freyNPZ
		case info.Files[1].Present:
			info.Note = "read from the canonical pickle " + freyPickle
		}
	}
	if info.Ready {
		info.check(name, dataDir)
	}
	return info, nil
}

// check sets Verified, or else reads the data set with Open and sets Ready
// and Problem from its error. An empty file is a problem without reading.
func (info *Info) check(name, dataDir string) {
	info.Verified = true
	for _, f := range info.Files {
		if !f.Present {
			continue
		}
		if f.Size == 0 {
			info.Ready, info.Verified, info.Problem = false, false, filepath.Base(f.Path)+" is empty (0 bytes)"
			return
		}
		want, known := knownSHA256[filepath.Base(f.Path)]
		if !known || fileSHA256(f.Path) != want {
			info.Verified = false
		}
	}
	if info.Verified {
		return
	}
	if _, err := Open(name, dataDir); err != nil {
		info.Ready, info.Problem = false, err.Error()
	}
}

// fileSHA256 returns the hex SHA-256 of the file at path, or "" if it
// cannot be read.
func fileSHA256(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
