package datasets

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

// caltechVar encodes row-major binary images (object = 1) the way the
// Caltech files store them: 1 = background, pixel (r, c) in column r + 28c,
// the whole N×784 matrix column-major.
func caltechVar(name string, images []float32, double bool) matVar {
	n := len(images) / Dim
	if !double {
		col := make([]byte, len(images))
		for i := range n {
			for r := range Side {
				for c := range Side {
					col[(r+Side*c)*n+i] = byte(1 - images[i*Dim+r*Side+c])
				}
			}
		}
		return uint8Var(name, n, Dim, col)
	}
	col := make([]byte, 8*len(images))
	for i := range n {
		for r := range Side {
			for c := range Side {
				binary.LittleEndian.PutUint64(col[8*((r+Side*c)*n+i):], math.Float64bits(float64(1-images[i*Dim+r*Side+c])))
			}
		}
	}
	return matVar{name: name, class: mxDOUBLE, dims: []int32{int32(n), Dim}, typ: miDOUBLE, data: col, compressed: true}
}

func TestCaltechSplit1(t *testing.T) {
	dir := t.TempDir()
	im := testImages(9)
	labels := matVar{name: "train_labels", class: mxDOUBLE, dims: []int32{4, 1}, typ: miUINT8, data: []byte{1, 2, 3, 4}}
	path := writeFile(t, dir, caltechSplitFile, makeMAT(binary.LittleEndian,
		caltechVar("train_data", im[:4*Dim], true), labels,
		caltechVar("val_data", im[4*Dim:6*Dim], false),
		caltechVar("test_data", im[6*Dim:], true)))
	set, err := readCaltechSplit1(path, [3]int{4, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(set.Train.Images, im[:4*Dim]) || !slices.Equal(set.Valid.Images, im[4*Dim:6*Dim]) || !slices.Equal(set.Test.Images, im[6*Dim:]) {
		t.Error("images differ from those written (orientation or flip wrong)")
	}
	if _, err := readCaltechSplit1(path, [3]int{5, 2, 3}); err == nil || !strings.Contains(err.Error(), "want 5×784") {
		t.Errorf("wrong size: err = %v", err)
	}
}

func TestCaltechAll(t *testing.T) {
	dir := t.TempDir()
	im := testImages(10)
	path := writeFile(t, dir, caltechAllFile, makeMAT(binary.LittleEndian, caltechVar("X", im, false)))
	set, err := readCaltechAll(path, [3]int{5, 3, 2})
	if err != nil {
		t.Fatal(err)
	}
	// The split is a permutation: every image appears exactly once.
	seen := map[string]int{}
	for i := range 10 {
		seen[string(f32bytes(im[i*Dim:(i+1)*Dim]))]++
	}
	for _, sp := range set.Splits() {
		if sp.Dynamic {
			t.Errorf("%s is dynamic", sp.Name)
		}
		for i := range sp.N {
			seen[string(f32bytes(sp.Image(i)))]--
		}
	}
	for _, v := range seen {
		if v != 0 {
			t.Fatal("the split is not a permutation of the images")
		}
	}
	again, _ := readCaltechAll(path, [3]int{5, 3, 2})
	if !slices.Equal(again.Test.Images, set.Test.Images) {
		t.Error("the seeded split is not deterministic")
	}
	bad := writeFile(t, dir, "bad.mat", makeMAT(binary.LittleEndian, uint8Var("X", 1, Dim, slices.Repeat([]byte{3}, Dim))))
	if _, err := readCaltechAll(bad, [3]int{1, 0, 0}); err == nil || !strings.Contains(err.Error(), "value 3") {
		t.Errorf("value 3: err = %v", err)
	}
}

func TestOpenCaltechPrefersSplit1(t *testing.T) {
	dir := t.TempDir()
	d, _ := lookup("caltech")
	im := testImages(20)
	writeFile(t, dir, d.folder+"/"+caltechAllFile, makeMAT(binary.LittleEndian, caltechVar("X", im, false)))
	// Describe reads the whole-set file (its checksum is not the known one)
	// and finds the sizes wrong.
	info, _ := Describe("caltech", dir)
	if info.Ready || !strings.Contains(info.Problem, caltechAllFile) {
		t.Errorf("Describe on a small whole-set file: ready %v, problem %q", info.Ready, info.Problem)
	}
	// Open wants the real sizes, so a small file is an error that names it.
	if _, err := Open("caltech", dir); err == nil || !strings.Contains(err.Error(), caltechAllFile) {
		t.Errorf("Open without split1: err = %v, want it to read %s", err, caltechAllFile)
	}
	writeFile(t, dir, d.folder+"/"+caltechSplitFile, []byte("junk"))
	if _, err := Open("caltech", dir); err == nil || !strings.Contains(err.Error(), caltechSplitFile) {
		t.Errorf("Open with split1: err = %v, want it to read %s", err, caltechSplitFile)
	}
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}
