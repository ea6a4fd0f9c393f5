package datasets

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// FileOptions says how OpenFile reads a file of category codes.
type FileOptions struct {
	// Categories is K, the number of values of each site: codes are 0..K-1.
	// Zero means the largest code in the file plus one (at least 2).
	Categories int
	// Valid and Test are the sizes of the validation and test splits cut
	// from the examples when the file does not hold them as arrays of their
	// own: a count if at least 1, else a fraction of the examples. Zero
	// means a tenth.
	Valid, Test float64
	// Seed of the shuffle that precedes the cut.
	Seed uint64
	// Memory is the number of bytes the memory check of K may assume; zero
	// means the machine's physical memory.
	Memory int64
}

// Codes are stored as uint16, and the one-hot states and gradients of
// oneHotChains chains must fit in half the memory.
const (
	maxCategories = 1 << 16
	oneHotChains  = 100
)

// OpenFile reads a user's data set of integer category codes from path: a
// .npy array, or an .npz archive of arrays train, valid and test (missing
// valid or test splits are cut from train) or of a single array. Arrays
// are N × D (Height 1) or N × H × W, of any integer or boolean dtype, or of
// floats that are whole numbers; every split must have the same example
// shape. Splits that the file does not hold are cut, after a shuffle seeded
// with opts.Seed, with the sizes opts.Valid and opts.Test.
//
// K = 2 categories means binary data: the splits hold Images (0 or 1), as
// the built-in sets do. Otherwise they hold Codes. Set.About says how the
// splits were made. Every error is one line that names the file and, for a
// bad value, the array and index.
func OpenFile(path string, opts FileOptions) (*Set, error) {
	set, err := openFile(path, opts)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return set, nil
}

// fileArray is one array of a user's file.
type fileArray struct {
	name  string // "train", …, or the array's name for a single array
	shape []int
	codes []uint16
}

func openFile(path string, opts FileOptions) (*Set, error) {
	if opts.Categories == 1 || opts.Categories < 0 || opts.Categories > maxCategories {
		return nil, fmt.Errorf("%d categories: want 2 to %d", opts.Categories, maxCategories)
	}
	for _, v := range []float64{opts.Valid, opts.Test} {
		if v < 0 || math.IsNaN(v) || (v >= 1 && v != math.Trunc(v)) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("split size %v: want a count of examples or a fraction in (0, 1)", v)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if st.IsDir() {
		return nil, errors.New("is a directory, want a .npy or .npz file")
	}
	limit, overLimit := categoryLimit(opts)
	var arrays []fileArray
	var ignored []string
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".npy":
		a, err := readCodeArray(bufio.NewReader(f), st.Size(), filepath.Base(path), limit, overLimit)
		if err != nil {
			return nil, err
		}
		arrays = []fileArray{a}
	case ".npz":
		if arrays, ignored, err = readCodeArchive(f, st.Size(), limit, overLimit); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("extension %q: want a .npy or .npz file of integer codes", ext)
	}
	return buildSet(filepath.Base(path), arrays, ignored, opts)
}

// unwrapPath drops the path of an *os.PathError, which OpenFile names
// already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// categoryLimit returns the bound on codes while reading and the message for
// a code beyond it.
func categoryLimit(opts FileOptions) (int, func(code int64, sites int) string) {
	if k := opts.Categories; k > 0 {
		return k, func(c int64, _ int) string {
			return fmt.Sprintf("code %d is out of range for %d categories (codes 0..%d)", c, k, k-1)
		}
	}
	return maxCategories, func(c int64, sites int) string {
		k := c
		if c < math.MaxInt64 {
			k = c + 1
		}
		need := oneHotBytes(sites, min(k, math.MaxInt64/(oneHotChains*8*int64(max(sites, 1)))))
		return fmt.Sprintf("code %d would make %s categories, whose one-hot states and gradients of %d chains over %d sites would need %s; at most %s categories are supported",
			c, group(k), oneHotChains, sites, bytesString(need), group(maxCategories))
	}
}

// readCodeArray reads one .npy array of fileBytes bytes (header included)
// from r.
func readCodeArray(r io.Reader, fileBytes int64, name string, limit int, overLimit func(code int64, sites int) string) (fileArray, error) {
	h, err := readNPYHeader(r)
	if err != nil {
		return fileArray{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(h.shape) < 2 || len(h.shape) > 3 {
		return fileArray{}, fmt.Errorf("%s: shape %s: want N × D or N × H × W", name, shapeString(h.shape))
	}
	size, _, err := codeDtype(h.dtype)
	if err != nil {
		return fileArray{}, fmt.Errorf("%s: %w", name, err)
	}
	// Compare with the size known from the file system or zip directory
	// before reading, so a truncated file fails fast and names the cause.
	if want := int64(h.size) + int64(h.elements())*int64(size); fileBytes != want {
		return fileArray{}, fmt.Errorf("%s: %d bytes, want %d for shape %s of %s", name, fileBytes, want, shapeString(h.shape), h.dtype)
	}
	codes, err := readCodes(r, h, strings.TrimSuffix(name, ".npy"), limit, overLimit)
	if err != nil {
		return fileArray{}, err
	}
	return fileArray{name: strings.TrimSuffix(name, ".npy"), shape: h.shape, codes: codes}, nil
}

// readCodeArchive reads the arrays of an .npz: train, valid and test if
// train is there (others are listed as ignored), else its single array.
func readCodeArchive(r io.ReaderAt, size int64, limit int, overLimit func(code int64, sites int) string) (arrays []fileArray, ignored []string, err error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not an .npz (zip) archive: %w", err)
	}
	byName := map[string]*zip.File{}
	var names []string
	for _, zf := range zr.File {
		name := strings.TrimSuffix(zf.Name, ".npy")
		if _, dup := byName[name]; dup {
			return nil, nil, fmt.Errorf("array %s appears twice", name)
		}
		byName[name] = zf
		names = append(names, name)
	}
	var use []string
	switch {
	case byName["train"] != nil:
		for _, name := range names {
			if slices.Contains(splitNames[:], name) {
				use = append(use, name)
			} else {
				ignored = append(ignored, name)
			}
		}
	case byName["valid"] != nil || byName["test"] != nil:
		return nil, nil, fmt.Errorf("arrays %s but no train array", strings.Join(names, ", "))
	case len(names) == 1:
		use = names
	case len(names) == 0:
		return nil, nil, errors.New("no arrays")
	default:
		return nil, nil, fmt.Errorf("arrays %s: want train (with valid and test, or they are cut from it) or a single array", strings.Join(names, ", "))
	}
	for _, name := range use {
		zf := byName[name]
		rc, err := zf.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		a, err := readCodeArray(bufio.NewReader(rc), int64(min(zf.UncompressedSize64, math.MaxInt64)), name, limit, overLimit)
		rc.Close()
		if err != nil {
			return nil, nil, err
		}
		arrays = append(arrays, a)
	}
	return arrays, ignored, nil
}

// buildSet makes the Set of the arrays read: it checks their shapes, fixes
// K, cuts the missing splits and turns binary codes into Images.
func buildSet(name string, arrays []fileArray, ignored []string, opts FileOptions) (*Set, error) {
	first := arrays[0]
	for _, a := range arrays[1:] {
		if !slices.Equal(a.shape[1:], first.shape[1:]) {
			return nil, fmt.Errorf("%s has examples of shape %s, %s of shape %s: all splits need the same", a.name, shapeString(a.shape[1:]), first.name, shapeString(first.shape[1:]))
		}
	}
	shape := Shape{Height: 1, Width: first.shape[1]}
	if len(first.shape) == 3 {
		shape.Height, shape.Width = first.shape[1], first.shape[2]
	}
	if shape.Sites() == 0 {
		return nil, fmt.Errorf("%s: shape %s: examples have no sites", first.name, shapeString(first.shape))
	}
	maxCode := 0
	for _, a := range arrays {
		for _, c := range a.codes {
			maxCode = max(maxCode, int(c))
		}
	}
	shape.Categories = opts.Categories
	if shape.Categories == 0 {
		shape.Categories = max(maxCode+1, 2)
	}
	if err := checkMemory(shape, opts.Memory); err != nil {
		return nil, err
	}

	splits := map[string]*Split{}
	for _, a := range arrays {
		sp := &Split{Dataset: name, Name: a.name, N: a.shape[0], Shape: shape, Codes: a.codes}
		if len(arrays) == 1 {
			sp.Name = "all"
		}
		splits[sp.Name] = sp
	}
	var about []string
	if len(arrays) == 1 {
		about = append(about, fmt.Sprintf("the single array %s", first.name))
	} else {
		have := make([]string, len(arrays))
		for i, a := range arrays {
			have[i] = a.name
		}
		about = append(about, "arrays "+strings.Join(have, ", "))
	}
	if splits["valid"] != nil && splits["test"] != nil {
		if opts.Valid != 0 || opts.Test != 0 {
			return nil, errors.New("holds valid and test arrays of its own: split sizes do not apply")
		}
	} else {
		pool := splits["train"]
		if pool == nil {
			pool = splits["all"]
		}
		cut, err := cutSplits(pool, splits["valid"] == nil, splits["test"] == nil, opts)
		if err != nil {
			return nil, err
		}
		for _, sp := range cut {
			splits[sp.Name] = sp
		}
		about = append(about, fmt.Sprintf("%s cut from %d examples after a shuffle with seed %d", joinCut(cut[1:]), pool.N, opts.Seed))
	}
	if len(ignored) > 0 {
		about = append(about, "ignored arrays: "+strings.Join(ignored, ", "))
	}
	k := fmt.Sprintf("K = %d given", opts.Categories)
	if opts.Categories == 0 {
		k = fmt.Sprintf("K = largest code %d + 1", maxCode)
		if maxCode == 0 {
			k = "K = 2 (every code is 0)"
		}
	}
	about = append(about, k)
	set := &Set{Name: name, Train: splits["train"], Valid: splits["valid"], Test: splits["test"], About: strings.Join(about, "; ")}
	for _, sp := range set.Splits() {
		if sp.N == 0 {
			return nil, fmt.Errorf("the %s split is empty", sp.Name)
		}
		if shape.Binary() {
			sp.Images = make([]float32, len(sp.Codes))
			for i, c := range sp.Codes {
				sp.Images[i] = float32(c)
			}
			sp.Codes = nil
		}
	}
	return set, nil
}

// cutSplits shuffles pool with opts.Seed and cuts the valid and test
// splits asked for from it; it returns the rest as train first, then the
// cut splits.
func cutSplits(pool *Split, valid, test bool, opts FileOptions) ([]*Split, error) {
	d := pool.Shape.Sites()
	sizes := map[string]int{}
	total := 0
	for _, c := range []struct {
		name string
		want bool
		size float64
	}{{"valid", valid, opts.Valid}, {"test", test, opts.Test}} {
		if !c.want {
			if c.size != 0 {
				return nil, fmt.Errorf("holds a %s array of its own: its split size does not apply", c.name)
			}
			continue
		}
		size := c.size
		if size == 0 {
			size = 0.1
		}
		n := int(size)
		if size < 1 {
			n = int(math.Round(size * float64(pool.N)))
		}
		if n == 0 {
			return nil, fmt.Errorf("the %s split would be empty (%g of %d examples): give its size", c.name, size, pool.N)
		}
		sizes[c.name] = n
		total += n
	}
	if total >= pool.N {
		return nil, fmt.Errorf("the train split would be empty: %d examples, %d for the other splits", pool.N, total)
	}
	perm := rand.New(rand.NewPCG(opts.Seed, seedFileSplit)).Perm(pool.N)
	take := func(name string, idx []int) *Split {
		sp := &Split{Dataset: pool.Dataset, Name: name, N: len(idx), Shape: pool.Shape, Codes: make([]uint16, len(idx)*d)}
		for i, p := range idx {
			copy(sp.Code(i), pool.Code(p))
		}
		return sp
	}
	var cut []*Split
	at := 0
	for _, name := range []string{"valid", "test"} {
		if n, ok := sizes[name]; ok {
			cut = append(cut, take(name, perm[at:at+n]))
			at += n
		}
	}
	return append([]*Split{take("train", perm[total:])}, cut...), nil
}

func joinCut(cut []*Split) string {
	s := make([]string, len(cut))
	for i, sp := range cut {
		s[i] = fmt.Sprintf("%s (%d)", sp.Name, sp.N)
	}
	return strings.Join(s, " and ")
}

// checkMemory refuses a number of categories whose one-hot states and
// gradients for oneHotChains chains would take more than half of memory
// (the machine's if memory is 0).
func checkMemory(s Shape, memory int64) error {
	need := oneHotBytes(s.Sites(), int64(s.Categories))
	what := "this machine's"
	if memory == 0 {
		memory = physicalMemory()
	} else {
		what = "the allowed"
	}
	if memory > 0 && need > memory/2 {
		return fmt.Errorf("%d categories over %d sites: one-hot states and gradients of %d chains would need %s, more than half of %s %s of memory; recode to fewer categories",
			s.Categories, s.Sites(), oneHotChains, bytesString(need), what, bytesString(memory))
	}
	return nil
}

// oneHotBytes is the memory of the one-hot states and gradients (float32)
// of oneHotChains chains.
func oneHotBytes(sites int, categories int64) int64 {
	return oneHotChains * 2 * 4 * int64(sites) * categories
}

// physicalMemory returns the machine's memory in bytes from /proc/meminfo,
// or 0 where that is not known.
func physicalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// group writes n with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(s, ", ") + ")"
}
