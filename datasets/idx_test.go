package datasets

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestParseIDX(t *testing.T) {
	data := []byte{1, 2, 3, 4, 5, 6}
	for _, gz := range []bool{false, true} {
		dims, got, err := parseIDX(bytes.NewReader(idxFile([]int{3, 2}, data, gz)))
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if !slices.Equal(dims, []int{3, 2}) || !slices.Equal(got, data) {
			t.Errorf("gz=%v: got %v %v", gz, dims, got)
		}
	}
}

func TestParseIDXErrors(t *testing.T) {
	good := idxFile([]int{2, 2}, []byte{1, 2, 3, 4}, false)
	corrupt := idxFile([]int{2, 2}, []byte{1, 2, 3, 4}, true)
	corrupt[len(corrupt)-6] ^= 0xff // gzip CRC-32
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "unexpected EOF"},
		{"magic", append([]byte{1}, good[1:]...), "magic"},
		{"type", append([]byte{0, 0, 0x0d}, good[3:]...), "element type 0x0d"},
		{"no dims", []byte{0, 0, 8, 0}, "0 dimensions"},
		{"short dims", good[:6], "dimensions: unexpected EOF"},
		{"huge", idxFile([]int{1 << 20, 1 << 20}, nil, false), "too large"},
		{"truncated", good[:len(good)-1], "truncated: 3 of 4 bytes"},
		{"trailing", append(append([]byte{}, good...), 9), "1 bytes after"},
		{"corrupt gzip", corrupt, "checksum"},
		{"truncated gzip", idxFile([]int{2, 2}, []byte{1, 2, 3, 4}, true)[:20], "unexpected EOF"},
	}
	for _, tt := range tests {
		_, _, err := parseIDX(bytes.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	path := writeFile(t, t.TempDir(), "bad-idx.gz", good[:5])
	if _, _, err := readIDX(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("readIDX error %v does not name the file", err)
	}
}

func FuzzParseIDX(f *testing.F) {
	f.Add(idxFile([]int{2, 2}, []byte{1, 2, 3, 4}, false))
	f.Add(idxFile([]int{1, 2, 2}, []byte{1, 2, 3, 4}, true))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		dims, data, err := parseIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("dims %v but %d bytes", dims, len(data))
		}
	})
}
