package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npzOf zips .npy arrays under the given names, in order, deflated.
func npzOf(names []string, arrays ...[]byte) []byte { return zipArrays(zip.Deflate, names, arrays) }

// npzStored is npzOf without compression, as np.savez writes: fuzzing
// mutates the arrays' bytes directly rather than a deflate stream.
func npzStored(names []string, arrays ...[]byte) []byte { return zipArrays(zip.Store, names, arrays) }

func zipArrays(method uint16, names []string, arrays [][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, name := range names {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method})
		w.Write(arrays[i])
	}
	zw.Close()
	return b.Bytes()
}

// u1Codes returns n×d codes (i·d + j) % k as bytes.
func u1Codes(n, d, k int) []byte {
	b := make([]byte, n*d)
	for p := range b {
		b[p] = byte(p % k)
	}
	return b
}

// le encodes values with the given element encoder.
func le[T any](vals []T) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, vals)
	return b.Bytes()
}

// rows returns the examples of a split as strings, to compare sets of
// examples across shuffles.
func rows(sp *Split) []string {
	var out []string
	for i := range sp.N {
		if sp.Codes != nil {
			out = append(out, fmt.Sprint(sp.Code(i)))
		} else {
			out = append(out, fmt.Sprint(sp.Image(i)))
		}
	}
	return out
}

func TestOpenFileNPY(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "codes.npy", npyBytes("|u1", false, []int{20, 3}, u1Codes(20, 3, 5)))
	set, err := OpenFile(path, FileOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Shape{Height: 1, Width: 3, Categories: 5}); set.Train.Shape != want {
		t.Errorf("shape %+v, want %+v", set.Train.Shape, want)
	}
	if set.Train.N != 16 || set.Valid.N != 2 || set.Test.N != 2 {
		t.Errorf("sizes %d/%d/%d, want 16/2/2", set.Train.N, set.Valid.N, set.Test.N)
	}
	// The splits hold every example exactly once.
	var got []string
	for _, sp := range set.Splits() {
		got = append(got, rows(sp)...)
	}
	whole := &Split{N: 20, Shape: set.Train.Shape, Codes: make([]uint16, 60)}
	for p, c := range u1Codes(20, 3, 5) {
		whole.Codes[p] = uint16(c)
	}
	want := rows(whole)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Error("the splits are not a partition of the examples")
	}
	if !strings.Contains(set.About, "K = largest code 4 + 1") || !strings.Contains(set.About, "seed 1") {
		t.Errorf("About = %q", set.About)
	}
	// The same seed gives the same split, another seed another.
	again, _ := OpenFile(path, FileOptions{Seed: 1})
	other, _ := OpenFile(path, FileOptions{Seed: 2})
	if !slices.Equal(again.Test.Codes, set.Test.Codes) || slices.Equal(other.Train.Codes, set.Train.Codes) {
		t.Error("the split does not follow the seed")
	}
}

func TestOpenFileNPZSplits(t *testing.T) {
	dir := t.TempDir()
	// train, valid and test of 2×3 images, int64, 7 categories given.
	mk := func(n int) []byte {
		v := make([]int64, n*6)
		for p := range v {
			v[p] = int64(p % 6)
		}
		return npyBytes("<i8", false, []int{n, 2, 3}, le(v))
	}
	path := writeFile(t, dir, "d.npz", npzOf([]string{"train", "valid", "labels", "test"}, mk(4), mk(2), mk(1), mk(3)))
	set, err := OpenFile(path, FileOptions{Categories: 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Shape{Height: 2, Width: 3, Categories: 7}); set.Test.Shape != want || set.Train.N != 4 || set.Valid.N != 2 || set.Test.N != 3 {
		t.Errorf("shape %+v, sizes %d/%d/%d", set.Test.Shape, set.Train.N, set.Valid.N, set.Test.N)
	}
	if !slices.Equal(set.Train.Code(3), []uint16{0, 1, 2, 3, 4, 5}) {
		t.Errorf("train example 3 = %v", set.Train.Code(3))
	}
	if !strings.Contains(set.About, "ignored arrays: labels") {
		t.Errorf("About = %q", set.About)
	}

	// Only train: valid is a count, test a fraction of it.
	path = writeFile(t, dir, "t.npz", npzOf([]string{"train"}, mk(20)))
	set, err = OpenFile(path, FileOptions{Valid: 3, Test: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if set.Train.N != 12 || set.Valid.N != 3 || set.Test.N != 5 || set.Train.Shape.Categories != 6 {
		t.Errorf("sizes %d/%d/%d, K %d; want 12/3/5, 6", set.Train.N, set.Valid.N, set.Test.N, set.Train.Shape.Categories)
	}
}

func TestOpenFileBinary(t *testing.T) {
	path := writeFile(t, t.TempDir(), "b.npy", npyBytes("|b1", false, []int{10, 4}, u1Codes(10, 4, 2)))
	set, err := OpenFile(path, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range set.Splits() {
		if sp.Codes != nil || len(sp.Images) != sp.N*4 || !sp.Shape.Binary() {
			t.Fatalf("%s: binary data must be Images only, shape %+v", sp.Name, sp.Shape)
		}
		for _, v := range sp.Images {
			if v != 0 && v != 1 {
				t.Fatalf("value %v", v)
			}
		}
	}
}

// TestOpenFileLayouts reads the same 3×2 codes from every dtype, byte order
// and memory order that holds them.
func TestOpenFileLayouts(t *testing.T) {
	want := []uint16{0, 1, 2, 3, 4, 5, 0, 1} // 4 examples × 2 sites
	be := func(vals []int32) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, vals)
		return b.Bytes()
	}
	ints := []int32{0, 1, 2, 3, 4, 5, 0, 1}
	floats := []float64{0, 1, 2, 3, 4, 5, 0, 1}
	fortran := []uint16{0, 2, 4, 0, 1, 3, 5, 1} // column by column
	for _, c := range []struct {
		name string
		file []byte
	}{
		{"i4", npyBytes("<i4", false, []int{4, 2}, le(ints))},
		{">i4", npyBytes(">i4", false, []int{4, 2}, be(ints))},
		{"f8", npyBytes("<f8", false, []int{4, 2}, le(floats))},
		{"fortran u2", npyBytes("<u2", true, []int{4, 2}, le(fortran))},
	} {
		path := writeFile(t, t.TempDir(), "x.npz", npzOf([]string{"train", "valid", "test"}, c.file, c.file, c.file))
		set, err := OpenFile(path, FileOptions{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(set.Valid.Codes, want) {
			t.Errorf("%s: codes %v, want %v", c.name, set.Valid.Codes, want)
		}
	}
}

func TestOpenFileErrors(t *testing.T) {
	good := npyBytes("|u1", false, []int{10, 3}, u1Codes(10, 3, 4))
	f8 := func(v ...float64) []byte { return npyBytes("<f8", false, []int{len(v), 1}, le(v)) }
	tests := []struct {
		name string
		file string
		data []byte
		opts FileOptions
		want string
	}{
		{"NaN", "x.npy", f8(1, math.NaN(), 2), FileOptions{}, "value NaN is not an integer code at x[1, 0]"},
		{"fraction", "x.npy", f8(1, 2, 0.5), FileOptions{}, "value 0.5, not a whole number is not an integer code at x[2, 0]"},
		{"negative", "x.npy", npyBytes("<i2", false, []int{2, 2}, le([]int16{0, 1, -1, 0})), FileOptions{}, "negative code -1 at x[1, 0]"},
		{"out of range", "x.npy", good, FileOptions{Categories: 3}, "code 3 is out of range for 3 categories (codes 0..2) at x[1, 0]"},
		{"too many categories", "x.npy", npyBytes("<u4", false, []int{1, 2}, le([]uint32{5, 70000})), FileOptions{}, "code 70000 would make 70,001 categories, whose one-hot states and gradients of 100 chains over 2 sites would need 106.8 MiB; at most 65,536 categories are supported at x[0, 1]"},
		{"huge code", "x.npy", npyBytes("<i8", false, []int{1, 1}, le([]int64{math.MaxInt64})), FileOptions{}, "would make 9,223,372,036,854,775,807 categories"},
		{"memory", "x.npy", good, FileOptions{Categories: 50, Memory: 100000}, "50 categories over 3 sites: one-hot states and gradients of 100 chains would need 117.2 KiB"},
		{"ragged", "x.npy", npyBytes("|O", false, []int{3}, nil), FileOptions{}, "shape (3): want N × D"},
		{"object", "x.npy", npyBytes("|O", false, []int{3, 2}, nil), FileOptions{}, `dtype "|O": Python objects (a ragged array?)`},
		{"text", "x.npy", npyBytes("<U3", false, []int{3, 2}, nil), FileOptions{}, `dtype "<U3": text`},
		{"complex", "x.npy", npyBytes("<c16", false, []int{3, 2}, nil), FileOptions{}, `dtype "<c16": complex`},
		{"4-D", "x.npy", npyBytes("|u1", false, []int{1, 1, 1, 1}, []byte{0}), FileOptions{}, "shape (1, 1, 1, 1): want N × D or N × H × W"},
		{"truncated", "x.npy", good[:len(good)-1], FileOptions{}, "x.npy: 157 bytes, want 158"},
		{"trailing", "x.npy", append(bytes.Clone(good), 0), FileOptions{}, "159 bytes, want 158"},
		{"no sites", "x.npy", npyBytes("|u1", false, []int{3, 0}, nil), FileOptions{}, "examples have no sites"},
		{"small valid", "x.npy", npyBytes("|u1", false, []int{4, 1}, []byte{0, 1, 0, 1}), FileOptions{}, "the valid split would be empty (0.1 of 4 examples)"},
		{"no train left", "x.npy", good, FileOptions{Valid: 5, Test: 5}, "the train split would be empty: 10 examples, 10 for the other splits"},
		{"bad size", "x.npy", good, FileOptions{Valid: 2.5}, "split size 2.5"},
		{"one category", "x.npy", good, FileOptions{Categories: 1}, "1 categories: want 2 to 65536"},
		{"extension", "x.csv", good, FileOptions{}, `extension ".csv"`},
		{"not npy", "x.npy", []byte("0,1,0,1\n1,0,1,0\n"), FileOptions{}, "not a .npy array"},
		{"not zip", "x.npz", good, FileOptions{}, "not an .npz (zip) archive"},
		{"shapes differ", "x.npz", npzOf([]string{"train", "valid"}, good, npyBytes("|u1", false, []int{2, 4}, make([]byte, 8))), FileOptions{}, "valid has examples of shape (4), train of shape (3)"},
		{"empty split", "x.npz", npzOf([]string{"train", "valid", "test"}, good, good, npyBytes("|u1", false, []int{0, 3}, nil)), FileOptions{}, "the test split is empty"},
		{"sizes do not apply", "x.npz", npzOf([]string{"train", "valid", "test"}, good, good, good), FileOptions{Test: 3}, "split sizes do not apply"},
		{"valid size does not apply", "x.npz", npzOf([]string{"train", "valid"}, good, good), FileOptions{Valid: 3}, "holds a valid array of its own"},
		{"no train", "x.npz", npzOf([]string{"valid", "test"}, good, good), FileOptions{}, "arrays valid, test but no train array"},
		{"two arrays", "x.npz", npzOf([]string{"a", "b"}, good, good), FileOptions{}, "arrays a, b: want train"},
		{"no arrays", "x.npz", npzOf(nil), FileOptions{}, "no arrays"},
		{"bad array in zip", "x.npz", npzOf([]string{"train"}, []byte("\x93NUMPY\x01\x00\x04\x00{}}\n")), FileOptions{}, "train: header: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tt.file, tt.data)
			_, err := OpenFile(path, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tt.want)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "datasets: "+path+": ") {
				t.Errorf("error %q is not one line naming the file", msg)
			}
		})
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "none.npy"), FileOptions{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: err = %v", err)
	}
}

// FuzzNPYCodes fuzzes the .npy parser directly: the header, then the codes
// of every dtype, without the file-size check that stops most mutated
// headers before the data.
func FuzzNPYCodes(f *testing.F) {
	f.Add(npyBytes("|u1", false, []int{4, 3}, u1Codes(4, 3, 5)))
	f.Add(npyBytes("<i8", true, []int{2, 2, 2}, le([]int64{0, 1, 2, 3, 4, 5, 6, 7})))
	f.Add(npyBytes("<f4", false, []int{3, 1}, le([]float32{0, 1, 2})))
	f.Add(npyBytes("<f8", false, []int{2, 1}, le([]float64{1, math.NaN()})))
	f.Add(npyBytes(">u2", false, []int{2, 1}, []byte{0, 1, 0, 2}))
	f.Add(npyBytes("|b1", false, []int{2, 2}, []byte{0, 1, 1, 0}))
	f.Add(npyBytes("<i2", false, []int{1, 2}, le([]int16{-1, 3})))
	f.Add(rawNPY("{'descr': '<i8', 'fortran_order': False, 'shape': (}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		h, err := readNPYHeader(r)
		if err != nil {
			return
		}
		codes, err := readCodes(r, h, "x", 300, func(int64, int) string { return "too large" })
		if err != nil {
			return
		}
		if len(codes) != h.elements() || slices.Max(append(codes, 0)) >= 300 {
			t.Fatalf("%d codes (max %d) for shape %v", len(codes), slices.Max(append(codes, 0)), h.shape)
		}
		if h.dtype == "|u1" && !h.fortran {
			for i, c := range codes {
				if c != uint16(b[h.size+i]) {
					t.Fatalf("code %d = %d, the file has %d", i, c, b[h.size+i])
				}
			}
		}
	})
}

func FuzzOpenFileNPZ(f *testing.F) {
	good := npyBytes("|u1", false, []int{10, 3}, u1Codes(10, 3, 4))
	f.Add(npzOf([]string{"train", "valid", "test"}, good, good, good))
	f.Add(npzStored([]string{"train", "valid", "test"}, good, good, good))
	f.Add(npzStored([]string{"train"}, npyBytes("<i2", false, []int{20, 2, 2}, le(make([]int16, 80)))))
	f.Add(npzStored([]string{"arr_0"}, npyBytes("<f8", true, []int{12, 1}, le(make([]float64, 12)))))
	f.Add(npzStored([]string{"train", "valid"}, good, npyBytes(">u2", false, []int{2, 3}, make([]byte, 12))))
	f.Fuzz(func(t *testing.T, b []byte) {
		arrays, _, err := readCodeArchive(bytes.NewReader(b), int64(len(b)), maxCategories, func(int64, int) string { return "too large" })
		if err != nil {
			return
		}
		set, err := buildSet("x.npz", arrays, nil, FileOptions{Memory: 1 << 30})
		if err != nil {
			return
		}
		for _, sp := range set.Splits() {
			if sp.N < 1 || (sp.Codes == nil) == (sp.Images == nil) {
				t.Fatalf("%s: N %d, codes %v, images %v", sp.Name, sp.N, sp.Codes != nil, sp.Images != nil)
			}
			for _, c := range sp.Codes {
				if int(c) >= sp.Shape.Categories {
					t.Fatalf("code %d of %d categories", c, sp.Shape.Categories)
				}
			}
		}
	})
}

// FuzzCodeSplits mutates the three arrays of an .npz separately and zips
// them itself (stored, with correct CRCs), so that mutations reach the
// checks across splits (shapes, K, cuts) rather than die in the zip layer.
func FuzzCodeSplits(f *testing.F) {
	good := npyBytes("|u1", false, []int{10, 3}, u1Codes(10, 3, 4))
	f.Add(good, good, good)
	f.Add(npyBytes("<i2", false, []int{6, 2, 2}, le(make([]int16, 24))), []byte{}, npyBytes("<i2", false, []int{2, 2, 2}, le(make([]int16, 8))))
	f.Add(npyBytes("<f8", true, []int{4, 1}, le([]float64{0, 1, 2, 3})), npyBytes("|b1", false, []int{1, 1}, []byte{1}), []byte{})
	f.Fuzz(func(t *testing.T, train, valid, test []byte) {
		var names []string
		var arrays [][]byte
		for i, a := range [][]byte{train, valid, test} {
			if len(a) > 0 {
				names, arrays = append(names, splitNames[i]), append(arrays, a)
			}
		}
		b := zipArrays(zip.Store, names, arrays)
		got, ignored, err := readCodeArchive(bytes.NewReader(b), int64(len(b)), maxCategories, func(int64, int) string { return "too large" })
		if err != nil {
			return
		}
		set, err := buildSet("x.npz", got, ignored, FileOptions{Memory: 1 << 30})
		if err != nil {
			return
		}
		k := set.Train.Shape.Categories
		for _, sp := range set.Splits() {
			if sp.N < 1 || sp.Shape != set.Train.Shape {
				t.Fatalf("%s: N %d, shape %+v", sp.Name, sp.N, sp.Shape)
			}
			x := make([]float32, sp.Shape.ModelWidth())
			sp.Batch(x, []int{sp.N - 1}, nil)
			ones := 0
			for _, v := range x {
				if v == 1 {
					ones++
				}
			}
			if k > 2 && ones != sp.Shape.Sites() {
				t.Fatalf("%s: one-hot example has %d ones for %d sites", sp.Name, ones, sp.Shape.Sites())
			}
		}
	})
}
