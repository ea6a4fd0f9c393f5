package datasets

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func TestParseMAT(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	// A 2×3 double matrix [[1 2 3] [4 5 6]], column-major, big-endian.
	dbl := make([]byte, 48)
	for k, v := range []float64{1, 4, 2, 5, 3, 6} {
		be.PutUint64(dbl[8*k:], math.Float64bits(v))
	}
	good := makeMAT(be, matVar{name: "labels", class: mxDOUBLE, dims: []int32{2, 3}, typ: miDOUBLE, data: dbl},
		uint8Var("X", 2, 2, []byte{0, 1, 1, 0}))
	vars, err := parseMAT(good, "labels", "X")
	if err != nil {
		t.Fatal(err)
	}
	a := vars["labels"]
	if got := a.dims; len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("dims = %v, want [2 3]", got)
	}
	for k, want := range []float64{1, 4, 2, 5, 3, 6} {
		if got := a.at(k); got != want {
			t.Errorf("labels.at(%d) = %v, want %v", k, got, want)
		}
	}
	if got := vars["X"].at(1); got != 1 {
		t.Errorf("X.at(1) = %v, want 1", got)
	}

	// Every numeric storage type decodes.
	for _, tc := range []struct {
		typ  uint32
		data func(o binary.ByteOrder) []byte
		want float64
	}{
		{miINT8, func(binary.ByteOrder) []byte { return []byte{0xfe} }, -2},
		{miUINT8, func(binary.ByteOrder) []byte { return []byte{200} }, 200},
		{miINT16, func(o binary.ByteOrder) []byte { b := make([]byte, 2); o.PutUint16(b, 0xfffd); return b }, -3},
		{miUINT16, func(o binary.ByteOrder) []byte { b := make([]byte, 2); o.PutUint16(b, 60000); return b }, 60000},
		{miINT32, func(o binary.ByteOrder) []byte { b := make([]byte, 4); o.PutUint32(b, 0xfffffffc); return b }, -4},
		{miUINT32, func(o binary.ByteOrder) []byte { b := make([]byte, 4); o.PutUint32(b, 4e9); return b }, 4e9},
		{miSINGLE, func(o binary.ByteOrder) []byte { b := make([]byte, 4); o.PutUint32(b, math.Float32bits(0.5)); return b }, 0.5},
		{miDOUBLE, func(o binary.ByteOrder) []byte {
			b := make([]byte, 8)
			o.PutUint64(b, math.Float64bits(-1.25))
			return b
		}, -1.25},
		{miINT64, func(o binary.ByteOrder) []byte { b := make([]byte, 8); o.PutUint64(b, math.MaxUint64); return b }, -1},
		{miUINT64, func(o binary.ByteOrder) []byte { b := make([]byte, 8); o.PutUint64(b, 1<<40); return b }, 1 << 40},
	} {
		for _, o := range []binary.ByteOrder{le, be} {
			f := makeMAT(o, matVar{name: "v", class: mxDOUBLE, dims: []int32{1, 1}, typ: tc.typ, data: tc.data(o)})
			vars, err := parseMAT(f, "v")
			if err != nil {
				t.Errorf("type %d, %v: %v", tc.typ, o, err)
				continue
			}
			if got := vars["v"].at(0); got != tc.want {
				t.Errorf("type %d, %v: got %v, want %v", tc.typ, o, got, tc.want)
			}
		}
	}
}

func TestParseMATErrors(t *testing.T) {
	le := binary.LittleEndian
	good := makeMAT(le, uint8Var("X", 2, 2, []byte{0, 1, 1, 0}))
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cell := matVar{name: "X", class: 1, dims: []int32{1, 1}, typ: miUINT8, data: []byte{1}}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"tiny", []byte("xyz"), "not a MAT-file (too short)"},
		{"short header", good[:60], "header truncated"},
		{"text", []byte(strings.Repeat("0 1 ", 100)), "not a MAT-file version 5"},
		{"v7.3", append([]byte("MATLAB 7.3 MAT-file"), make([]byte, 200)...), "7.3 (HDF5) is not supported"},
		{"endian", mod(func(b []byte) []byte { copy(b[126:], "XX"); return b }), "endian indicator"},
		{"version", mod(func(b []byte) []byte { b[124] = 2; return b }), "version"},
		{"no variables", good[:matHeaderLen], `no variable "X"`},
		{"truncated element", good[:len(good)-5], "truncated"},
		{"truncated tag", good[:matHeaderLen+4], "truncated tag"},
		{"corrupt zlib", mod(func(b []byte) []byte { b[len(b)-3] ^= 0xff; return b }), "checksum"},
		{"not zlib", mod(func(b []byte) []byte { b[matHeaderLen+8] = 0; return b }), "compressed element"},
		{"bad type", mod(func(b []byte) []byte { b[matHeaderLen] = 3; return b }), "want a matrix"},
		{"wrong variable", makeMAT(le, uint8Var("Y", 2, 2, []byte{0, 1, 1, 0})), `no variable "X"`},
		{"twice", makeMAT(le, uint8Var("X", 1, 1, []byte{0}), uint8Var("X", 1, 1, []byte{0})), "twice"},
		{"cell class", makeMAT(le, cell), "array class 1"},
		{"complex", makeMAT(le, matVar{name: "X", class: mxDOUBLE, dims: []int32{1, 1}, typ: miUINT8, data: []byte{1}, complex: true}), "complex"},
		{"size mismatch", makeMAT(le, uint8Var("X", 2, 3, []byte{0, 1, 1, 0})), "4 bytes, want 6"},
		{"negative dim", makeMAT(le, uint8Var("X", -1, 3, []byte{0})), "negative"},
		{"huge dims", makeMAT(le, uint8Var("X", 1<<30, 1<<30, []byte{0})), "too large"},
		{"char data", makeMAT(le, matVar{name: "X", class: mxDOUBLE, dims: []int32{1, 1}, typ: 16, data: []byte{1}}), "not numeric"},
	}
	for _, tt := range tests {
		_, err := parseMAT(tt.file, "X")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	// Trailing data inside a compressed element is an error, not ignored.
	m := matMatrix(le, uint8Var("X", 1, 1, []byte{1}))
	m = append(m, 0, 0, 0, 0, 0, 0, 0, 0)
	f := makeMAT(le)
	z := zlibBytes(m)
	f = append(append(f, matTag(le, miCOMPRESSED, len(z))...), z...)
	if _, err := parseMAT(f, "X"); err == nil || !strings.Contains(err.Error(), "after the matrix") {
		t.Errorf("trailing bytes: err = %v", err)
	}
}

func FuzzParseMAT(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	f.Add(makeMAT(le, uint8Var("X", 2, 2, []byte{0, 1, 1, 0})))
	f.Add(makeMAT(be, matVar{name: "train_data", class: mxDOUBLE, dims: []int32{1, 2}, typ: miDOUBLE, data: make([]byte, 16)}))
	f.Add(makeMAT(le, matVar{name: "X", class: 1, dims: []int32{1, 1}, typ: miUINT8, data: []byte{1}, compressed: true}))
	f.Add(amatMAT(testImages(2)))
	f.Fuzz(func(t *testing.T, b []byte) {
		vars, err := parseMAT(b, "X", "train_data")
		if err != nil {
			return
		}
		for _, a := range vars {
			if n := a.numel(); n > 0 {
				a.at(n - 1) // in range by construction
			}
		}
	})
}
