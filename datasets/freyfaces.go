package datasets

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// Frey Faces: 1,965 gray images of one face, 28 rows × 20 columns, each
// pixel one of 256 levels.
const (
	freyNPZ    = "freyfaces.npz" // images.npy, uint8 (1965, 28, 20)
	freyPickle = "freyfaces.pkl" // the canonical file: a pickled (1965, 560) uint8 array
	freyImages = 1965
	freyRows   = 28
	freyCols   = 20
	freyLevels = 256
	freyPixels = freyRows * freyCols
	// freyPickleSHA256 is the checksum of the canonical freyfaces.pkl (the
	// copy in jmtomczak/vae_vampprior, commit freyCommit).
	freyPickleSHA256 = "3b69410c6a5fd6e03f09012905168be3712373a094a776f7e58fcd0670d2138a"
	freyPickleSize   = 3568521
	freyCommit       = "2b530e5a69b1fe030e71a93c06fa7deed8000f28"
)

// FreyShape is the shape of Frey Faces examples.
var FreyShape = Shape{Height: freyRows, Width: freyCols, Categories: freyLevels}

// freySizes is the literature's protocol (vae_vampprior): 1,565 / 200 / 200
// after a shuffle; ours is seeded with seedFreyShuffle.
var freySizes = [3]int{1565, 200, 200}

// openFrey reads Frey Faces from dir: freyfaces.npz if present, else the
// canonical freyfaces.pkl.
func openFrey(dir string) (*Set, error) {
	npzPath, pklPath := filepath.Join(dir, freyNPZ), filepath.Join(dir, freyPickle)
	var raw []byte
	var err error
	if _, statErr := os.Stat(npzPath); statErr == nil || !errors.Is(statErr, os.ErrNotExist) {
		raw, err = readFreyNPZ(npzPath)
	} else if _, statErr := os.Stat(pklPath); statErr == nil {
		raw, err = readFreyPickle(pklPath)
	} else {
		return nil, fmt.Errorf("datasets: freyfaces: neither %s nor %s is there (run gwg data download --dataset freyfaces, or give the data directory with --data-dir or $GWG_DATA_DIR)", npzPath, pklPath)
	}
	if err != nil {
		return nil, err
	}
	return freySet(raw), nil
}

// freySet splits 1,965 raw images (pixel (r, c) of image i at
// raw[i·560 + r·20 + c]) after the seeded shuffle.
func freySet(raw []byte) *Set {
	perm := rand.New(rand.NewPCG(seedFreyShuffle, 0)).Perm(freyImages)
	set := &Set{Name: "freyfaces"}
	at := 0
	for i, p := range []**Split{&set.Train, &set.Valid, &set.Test} {
		n := freySizes[i]
		sp := &Split{Dataset: "freyfaces", Name: splitNames[i], N: n, Shape: FreyShape, Codes: make([]uint16, n*freyPixels)}
		for k, img := range perm[at : at+n] {
			for j, v := range raw[img*freyPixels : (img+1)*freyPixels] {
				sp.Codes[k*freyPixels+j] = uint16(v)
			}
		}
		at += n
		*p = sp
	}
	return set
}

// readFreyNPZ reads the images of freyfaces.npz.
func readFreyNPZ(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	raw, err := parseFreyNPZ(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return raw, nil
}

// parseFreyNPZ reads images.npy, uint8 (1965, 28, 20), from an .npz.
func parseFreyNPZ(r io.ReaderAt, size int64) ([]byte, error) {
	zr, err := npz.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	rc, shape, err := openNPY(zr, "images.npy", "|u1")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if !slices.Equal(shape, []int{freyImages, freyRows, freyCols}) {
		return nil, fmt.Errorf("images.npy: shape %v, want (%d, %d, %d)", shape, freyImages, freyRows, freyCols)
	}
	return readExactly(rc, freyImages*freyPixels, "images.npy")
}

// readFreyPickle reads the canonical freyfaces.pkl. Only that exact file
// (checked by SHA-256) is parsed: a pickle can ask its reader for
// allocations of any size, so other pickles are refused rather than trusted.
func readFreyPickle(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != freyPickleSHA256 {
		return nil, fmt.Errorf("datasets: %s is not the canonical Frey Faces pickle (SHA-256 %x, want %s); run gwg data download --dataset freyfaces", path, sum, freyPickleSHA256)
	}
	raw, err := parseFreyPickle(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return raw, nil
}

// parseFreyPickle reads the Frey Faces pickle: a list holding one NumPy
// array, uint8 (1965, 560), written by Python 2 (protocol 0). gopickle reads
// the opcodes; the three NumPy globals it may name are resolved here to
// plain records, so nothing else can be constructed.
func parseFreyPickle(r io.Reader) (raw []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			raw, err = nil, fmt.Errorf("malformed pickle (%v)", p)
		}
	}()
	u := pickle.NewUnpickler(bufio.NewReader(r))
	u.FindClass = func(module, name string) (any, error) {
		switch module + "." + name {
		case "numpy.core.multiarray._reconstruct":
			return pyFunc(func(args ...any) (any, error) { return &ndarray{}, nil }), nil
		case "numpy.ndarray":
			return pyFunc(func(args ...any) (any, error) { return nil, errors.New("numpy.ndarray called") }), nil
		case "numpy.dtype":
			return pyFunc(func(args ...any) (any, error) {
				if len(args) == 0 {
					return nil, errors.New("numpy.dtype without arguments")
				}
				s, _ := args[0].(string)
				return &npDtype{name: s}, nil
			}), nil
		}
		return nil, fmt.Errorf("unexpected global %s.%s", module, name)
	}
	v, err := u.Load()
	if err != nil {
		return nil, err
	}
	list, ok := v.(*types.List)
	if !ok || list.Len() != 1 {
		return nil, fmt.Errorf("want a list of one array, have %T", v)
	}
	a, ok := list.Get(0).(*ndarray)
	if !ok || a.data == nil {
		return nil, fmt.Errorf("want a NumPy array, have %T", list.Get(0))
	}
	if a.dtype != "u1" || a.fortran || !slices.Equal(a.shape, []int{freyImages, freyPixels}) {
		return nil, fmt.Errorf("array of dtype %s, shape %v, Fortran order %v; want u1 (%d, %d) in C order", a.dtype, a.shape, a.fortran, freyImages, freyPixels)
	}
	data := a.data
	if len(data) != freyImages*freyPixels {
		// gopickle v0.3 keeps protocol 0 strings as written, escaped.
		if data, err = unescapePython(data); err != nil {
			return nil, err
		}
	}
	if len(data) != freyImages*freyPixels {
		return nil, fmt.Errorf("array data of %d bytes, want %d", len(data), freyImages*freyPixels)
	}
	return data, nil
}

type pyFunc func(args ...any) (any, error)

func (f pyFunc) Call(args ...any) (any, error) { return f(args...) }

// npDtype is a NumPy dtype as far as the pickle describes it.
type npDtype struct{ name string }

func (d *npDtype) PySetState(any) error { return nil }

// ndarray is a NumPy array restored from its pickled state.
type ndarray struct {
	shape   []int
	dtype   string
	fortran bool
	data    []byte
}

// PySetState takes the state NumPy pickles: (version, shape, dtype,
// Fortran order, data).
func (a *ndarray) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok || t.Len() != 5 {
		return fmt.Errorf("array state %T, want a tuple of 5", state)
	}
	shape, ok := t.Get(1).(*types.Tuple)
	if !ok {
		return fmt.Errorf("array shape %T, want a tuple", t.Get(1))
	}
	for _, d := range *shape {
		n, ok := d.(int)
		if !ok {
			return fmt.Errorf("array dimension %T, want an int", d)
		}
		a.shape = append(a.shape, n)
	}
	dt, ok := t.Get(2).(*npDtype)
	if !ok {
		return fmt.Errorf("array dtype %T", t.Get(2))
	}
	a.dtype = dt.name
	a.fortran, _ = t.Get(3).(bool)
	switch d := t.Get(4).(type) {
	case string:
		a.data = []byte(d)
	case []byte:
		a.data = d
	default:
		return fmt.Errorf("array data %T, want bytes", d)
	}
	return nil
}

// unescapePython decodes the escapes Python 2 writes in the repr of a byte
// string: \\, \', \", \t, \n, \r and \xhh.
func unescapePython(s []byte) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i+1 == len(s) {
			return nil, errors.New("string ends in a backslash")
		}
		i++
		switch c := s[i]; c {
		case '\\', '\'', '"':
			out = append(out, c)
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'x':
			if i+2 >= len(s) {
				return nil, errors.New(`string ends inside a \x escape`)
			}
			v, err := strconv.ParseUint(string(s[i+1:i+3]), 16, 8)
			if err != nil {
				return nil, fmt.Errorf(`bad escape \x%s`, s[i+1:i+3])
			}
			out = append(out, byte(v))
			i += 2
		default:
			return nil, fmt.Errorf(`unexpected escape \%c`, c)
		}
	}
	return out, nil
}
