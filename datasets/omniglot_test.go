package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestOpenOmniglotGenerated(t *testing.T) {
	dir := t.TempDir()
	for i, chars := range []int{2, 1} {
		images, labels := omniglotArrays(chars)
		writeFile(t, dir, omniglotFiles[i], npzBytes(map[string][]byte{"images.npy": images, "labels.npy": labels}))
	}
	set, err := openOmniglot(dir, [2]int{2, 1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	// 3 characters: 45 training-pool images (40 + 5 held out), 15 test.
	for _, c := range []struct {
		sp      *Split
		n       int
		dynamic bool
	}{{set.Train, 40, true}, {set.Valid, 5, false}, {set.Test, 15, false}} {
		if c.sp.N != c.n || len(c.sp.Images) != c.n*Dim || c.sp.Dynamic != c.dynamic {
			t.Errorf("%s: N=%d (%d values), dynamic %v; want %d, %v", c.sp.Name, c.sp.N, len(c.sp.Images), c.sp.Dynamic, c.n, c.dynamic)
		}
	}
	// Test image 0 is character 0, drawer 16 (index 15): ink at rows
	// [10, 40) and columns [20, 40) of 105, i.e. about rows 2.7–10.7 and
	// columns 5.3–10.7 of 28. Ink must be 1 there and paper 0 elsewhere.
	im := set.Test.Image(0)
	if im[6*Side+8] != 1 {
		t.Errorf("ink pixel (6, 8) = %v, want 1", im[6*Side+8])
	}
	if im[20*Side+20] != 0 || im[6*Side+20] != 0 || im[20*Side+8] != 0 {
		t.Error("paper pixels are not 0")
	}
	// Gray training values are in [0, 1] with some strictly between
	// (antialiased edges).
	gray := 0
	for _, v := range set.Train.Images {
		if v < 0 || v > 1 {
			t.Fatalf("training value %v outside [0, 1]", v)
		}
		if v > 0 && v < 1 {
			gray++
		}
	}
	if gray == 0 {
		t.Error("no gray values in the downscaled training images")
	}
	if _, err := openOmniglot(dir, [2]int{3, 1}, 5); err == nil || !strings.Contains(err.Error(), "2 characters, want 3") {
		t.Errorf("wrong character count: err = %v", err)
	}
}

func TestOmniglotNPZErrors(t *testing.T) {
	images, labels := omniglotArrays(1)
	badLabels := bytes.Clone(labels)
	binary.LittleEndian.PutUint64(badLabels[len(badLabels)-8:], 7)
	tests := []struct {
		name  string
		items map[string][]byte
		want  string
	}{
		{"no images", map[string][]byte{"labels.npy": labels}, `could not find "images.npy"`},
		{"no labels", map[string][]byte{"images.npy": images}, `could not find "labels.npy"`},
		{"truncated images", map[string][]byte{"images.npy": images[:len(images)-100], "labels.npy": labels}, "unexpected EOF"},
		{"trailing", map[string][]byte{"images.npy": append(bytes.Clone(images), 0), "labels.npy": labels}, "1 bytes after"},
		{"labels order", map[string][]byte{"images.npy": images, "labels.npy": badLabels}, "out of order"},
		{"dtype", map[string][]byte{"images.npy": npyBytes("<f4", false, []int{1, 20, 105, 105}, nil), "labels.npy": labels}, "want \"|b1\""},
		{"fortran", map[string][]byte{"images.npy": npyBytes("|b1", true, []int{1, 20, 105, 105}, nil), "labels.npy": labels}, "Fortran order true"},
		{"shape", map[string][]byte{"images.npy": npyBytes("|b1", false, []int{1, 20, 28, 28}, nil), "labels.npy": labels}, "shape [1 20 28 28]"},
		{"labels shape", map[string][]byte{"images.npy": images, "labels.npy": npyBytes("<i8", false, []int{20}, nil)}, "want (C, 20)"},
		{"not npy", map[string][]byte{"images.npy": images, "labels.npy": []byte("hello, world")}, "bad magic"},
		{"no newline", map[string][]byte{"images.npy": images, "labels.npy": []byte("\x93NUMPY\x01\x00\x04\x00{}  ")}, "newline"},
		{"malformed", map[string][]byte{"images.npy": images, "labels.npy": []byte("\x93NUMPY\x01\x00\x04\x00{}}\n")}, "header"},
		{"npyio panic", map[string][]byte{"images.npy": images, "labels.npy": rawNPY("{'descr': '<i8', 'fortran_order': False, 'shape': (}\n")}, "malformed header"},
		{"version", map[string][]byte{"images.npy": images, "labels.npy": []byte("\x93NUMPY\x09\x00\x04\x00{}}\n")}, "version 9"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".npz", npzBytes(tt.items))
		_, _, err := readOmniglotNPZ(path, 0)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want it to name the file and contain %q", tt.name, err, tt.want)
		}
	}
	// A damaged zip: not an archive at all, and a flipped data byte.
	for name, data := range map[string][]byte{
		"notzip.npz":  []byte("PK but not really a zip file"),
		"crc.npz":     storedNPZ(images, labels),
		"missing.npz": nil,
	} {
		path := writeFile(t, dir, name, data)
		if data == nil {
			path += ".absent"
		}
		_, _, err := readOmniglotNPZ(path, 0)
		if err == nil || !strings.Contains(err.Error(), name) || name == "crc.npz" && !strings.Contains(err.Error(), "checksum") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// storedNPZ zips images and labels uncompressed and then flips one byte
// of the image data, so that only the entry's CRC-32 can tell.
func storedNPZ(images, labels []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, it := range []struct {
		name string
		data []byte
	}{{"images.npy", images}, {"labels.npy", labels}} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: it.name, Method: zip.Store})
		w.Write(it.data)
	}
	zw.Close()
	out := b.Bytes()
	out[bytes.Index(out, []byte("\x93NUMPY"))+200] ^= 0xff
	return out
}

// rawNPY frames a literal .npy header (version 1.0) without data.
func rawNPY(header string) []byte {
	b := []byte("\x93NUMPY\x01\x00\x00\x00")
	binary.LittleEndian.PutUint16(b[8:], uint16(len(header)))
	return append(b, header...)
}

func FuzzOmniglotNPZ(f *testing.F) {
	images, labels := omniglotArrays(1)
	f.Add(npzBytes(map[string][]byte{"images.npy": images, "labels.npy": labels}))
	f.Add(npzBytes(map[string][]byte{"images.npy": npyBytes("|b1", false, []int{0, 20, 105, 105}, nil), "labels.npy": npyBytes("<i8", false, []int{0, 20}, nil)}))
	f.Add(npzBytes(map[string][]byte{"images.npy": []byte("\x93NUMPY\x01\x00\x04\x00{}}\n"), "labels.npy": labels}))
	f.Add(npzBytes(map[string][]byte{"images.npy": images, "labels.npy": rawNPY("{'descr': '<i8', 'fortran_order': False, 'shape': (}\n")}))
	// Stored (uncompressed) archives, as np.savez writes them, let mutations
	// reach the .npy headers and data rather than a deflate stream.
	empty := [][]byte{npyBytes("|b1", false, []int{0, 20, 105, 105}, nil), npyBytes("<i8", false, []int{0, 20}, nil)}
	f.Add(zipArrays(zip.Store, []string{"images", "labels"}, empty))
	f.Add(zipArrays(zip.Store, []string{"labels", "images"}, [][]byte{npyBytes("<i8", false, []int{1, 20}, labels), npyBytes("|b1", false, []int{1, 20, 105, 105}, images[len(images)-100:])}))
	f.Fuzz(func(t *testing.T, b []byte) {
		imgs, chars, err := parseOmniglotNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if len(imgs) != chars*omniDrawers*Dim {
			t.Fatalf("%d values for %d characters", len(imgs), chars)
		}
	})
}
