package datasets

import (
	"bytes"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadAmatBothForms(t *testing.T) {
	dir := t.TempDir()
	want := testImages(3)
	text := amatText(want)
	crlf := bytes.ReplaceAll(text, []byte(" \n"), []byte("\n"))
	crlf = bytes.ReplaceAll(crlf, []byte("\n"), []byte(" \r\n")) // trailing space and CRLF
	for name, data := range map[string][]byte{
		"text.amat":      text,
		"nofinalnl.amat": bytes.TrimSuffix(text, []byte("\n")),
		"crlf.amat":      crlf,
		"tabs.amat":      bytes.ReplaceAll(text, []byte(" "), []byte("\t")),
		"mat.amat":       amatMAT(want),
	} {
		images, n, err := readAmat(writeFile(t, dir, name, data), 3)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if n != 3 || !slices.Equal(images, want) {
			t.Errorf("%s: read %d images, different from those written", name, n)
		}
	}
}

func TestReadAmatErrors(t *testing.T) {
	dir := t.TempDir()
	line := amatText(testImages(1))
	bad := amatMAT(testImages(2))
	bad[len(bad)-1] ^= 0x10 // corrupts the zlib checksum
	twos := makeMAT(binaryLE, uint8Var("X", 1, Dim, bytes.Repeat([]byte{2}, Dim)))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"short line", []byte("0 1 1\n"), "line 1: 3 values, want 784"},
		{"long line", append(bytes.TrimSuffix(slices.Clone(line), []byte("\n")), " 1\n"...), "more than 784"},
		{"bad value", bytes.Replace(line, []byte("1"), []byte("0.5"), 1), `"0.5", want 0 or 1`},
		{"word", bytes.Replace(line, []byte("0 "), []byte("zero "), 1), `"zero"`},
		{"blank line", append(append(append([]byte{}, line...), '\n'), line...), "line 2: 0 values"},
		{"wrong count", append(append([]byte{}, line...), line...), "2 images, want 3"},
		{"corrupt MAT", bad, "checksum"},
		{"MAT value 2", twos, "value 2, want 0 or 1"},
		{"MAT double 0.5", makeMAT(binaryLE, matVar{name: "X", class: mxDOUBLE, dims: []int32{1, Dim}, typ: miDOUBLE, data: halves784()}), "value 0.5, want 0 or 1"},
		{"MAT wrong width", makeMAT(binaryLE, uint8Var("X", 2, 2, []byte{0, 1, 1, 0})), "want N×784"},
	}
	for _, tt := range tests {
		path := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_"), tt.data)
		_, _, err := readAmat(path, 3)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want it to name the file and contain %q", tt.name, err, tt.want)
		}
	}
	if _, _, err := readAmat(filepath.Join(dir, "missing.amat"), 0); err == nil || !strings.Contains(err.Error(), "missing.amat") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestOpenStatic(t *testing.T) {
	dir := t.TempDir()
	d, _ := lookup("static_mnist")
	// One file of each form: the loader decides per file.
	writeFile(t, dir, d.files[0], amatMAT(testImages(4)))
	writeFile(t, dir, d.files[1], amatText(testImages(2)))
	writeFile(t, dir, d.files[2], amatText(testImages(3)))
	set, err := openStatic(dir, [3]int{4, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range set.Splits() {
		if sp.Dynamic || !slices.Equal(sp.Images, testImages(sp.N)) {
			t.Errorf("split %s: wrong images or dynamic", sp.Name)
		}
	}
	if _, err := openStatic(dir, [3]int{5, 2, 3}); err == nil || !strings.Contains(err.Error(), "4 images, want 5") {
		t.Errorf("wrong size: err = %v", err)
	}
}

func FuzzParseAmatText(f *testing.F) {
	f.Add(amatText(testImages(2)))
	f.Add([]byte("0 1\r\n1 0\n"))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		images, n, err := parseAmatText(b)
		if err != nil {
			return
		}
		if len(images) != n*Dim {
			t.Fatalf("%d values for %d images", len(images), n)
		}
		for _, v := range images {
			if v != 0 && v != 1 {
				t.Fatalf("value %v", v)
			}
		}
	})
}

// halves784 is 784 little-endian float64 values of 0.5.
func halves784() []byte {
	b := make([]byte, 8*Dim)
	for k := range Dim {
		binaryLE.PutUint64(b[8*k:], math.Float64bits(0.5))
	}
	return b
}
