package ckpt

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	full := fullCheckpoint(t, 1)
	modelOnly := fullCheckpoint(t, 2)
	modelOnly.Train = nil
	modelOnly.EMA = nil
	modelOnly.Model.Ints = nil
	empty := &Checkpoint{FormatVersion: Version, Model: ModelSpec{Kind: "ising"}}
	local := fullCheckpoint(t, 3)
	local.Created = time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600))
	codes := fullCheckpoint(t, 4)
	codes.Train.Buffer = Bits{}
	codes.Train.Codes = Codes{Rows: 2, Width: 3, Categories: 256, Data: []byte{0, 255, 7, 1, 2, 3}}

	for _, tt := range []struct {
		name string
		c    *Checkpoint
	}{{"full", full}, {"model only", modelOnly}, {"empty", empty}, {"local time", local}, {"categorical buffer", codes}} {
		t.Run(tt.name, func(t *testing.T) {
			want := *tt.c
			want.Created = want.Created.UTC()
			path := filepath.Join(t.TempDir(), "a.ckpt")
			if err := Save(path, tt.c); err != nil {
				t.Fatal(err)
			}
			got, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("Load(Save(c)) differs from c:\n got %+v\nwant %+v", got, &want)
			}
			if !got.Created.Equal(tt.c.Created) {
				t.Errorf("Created = %v, want %v", got.Created, tt.c.Created)
			}

			var buf bytes.Buffer
			if err := Encode(&buf, tt.c); err != nil {
				t.Fatal(err)
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), file) {
				t.Error("Encode and Save wrote different bytes")
			}
			got, err = Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &want) {
				t.Error("Decode(Encode(c)) differs from c")
			}
		})
	}
}

// TestDeterministic checks that the same checkpoint always gives the same
// bytes, whatever the order of map iteration.
func TestDeterministic(t *testing.T) {
	first := encodeBytes(t, fullCheckpoint(t, 1))
	for range 5 {
		if !bytes.Equal(encodeBytes(t, fullCheckpoint(t, 1)), first) {
			t.Fatal("two encodings of the same checkpoint differ")
		}
	}
}

func TestNaNBitsSurvive(t *testing.T) {
	bits := []uint32{0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff, 0x00000001, 0x80000000}
	data := make([]float32, len(bits))
	for i, b := range bits {
		data[i] = math.Float32frombits(b)
	}
	c := &Checkpoint{Model: ModelSpec{Kind: "deep"}, Params: []Tensor{{Name: "w", Shape: []int{2, 3}, Data: data}}}
	got, err := Decode(bytes.NewReader(encodeBytes(t, c)))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got.Params[0].Data {
		if math.Float32bits(v) != bits[i] {
			t.Errorf("value %d: bits %#08x, want %#08x", i, math.Float32bits(v), bits[i])
		}
	}
}

// writeFile writes b to x.ckpt in dir, a fresh temporary directory if dir is
// empty, and returns the path.
func writeFile(t *testing.T, dir string, b []byte) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "x.ckpt")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadBoth loads b from a file and decodes it from a reader; both must fail
// with an error wrapping target, and the file's error must name the file.
func loadBoth(t *testing.T, dir string, b []byte, target error, substr string) {
	t.Helper()
	path := writeFile(t, dir, b)
	_, err := Load(path)
	if !errors.Is(err, target) {
		t.Fatalf("Load: error %v, want %v", err, target)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("Load error %q does not name the file", err)
	}
	if !strings.Contains(err.Error(), substr) {
		t.Errorf("Load error %q does not contain %q", err, substr)
	}
	if _, err := Decode(bytes.NewReader(b)); !errors.Is(err, target) {
		t.Errorf("Decode: error %v, want %v", err, target)
	}
}

func TestTruncated(t *testing.T) {
	b := encodeBytes(t, fullCheckpoint(t, 1))
	dir := t.TempDir()
	// Every length decodes to an error; files of a few lengths of each
	// class (inside the magic, inside the header, inside the payload) load to
	// one too.
	files := map[int]bool{0: true, 1: true, 7: true, 8: true, 20: true, HeaderSize - 1: true,
		HeaderSize: true, HeaderSize + 1: true, len(b) / 2: true, len(b) - 1: true}
	for n := 0; n < len(b); n++ {
		substr := "the header says"
		if n < HeaderSize {
			substr = "shorter than the 52-byte header"
		}
		if files[n] {
			loadBoth(t, dir, b[:n], ErrTruncated, substr)
		} else if _, err := Decode(bytes.NewReader(b[:n])); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), substr) {
			t.Errorf("Decode: error %v, want %v containing %q", err, ErrTruncated, substr)
		}
		if t.Failed() {
			t.Fatalf("at length %d of %d", n, len(b))
		}
	}
	// The message gives the sizes.
	_, err := Load(writeFile(t, dir, b[:HeaderSize+100]))
	want := "truncated: 152 bytes, the header says " + strconv.Itoa(len(b))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
}

func TestTrailingBytes(t *testing.T) {
	b := encodeBytes(t, fullCheckpoint(t, 1))
	_, err := Load(writeFile(t, "", append(b, 0)))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "1 unexpected bytes") {
		t.Errorf("error %v, want a corrupt file with 1 unexpected byte", err)
	}
}

func TestFlippedByte(t *testing.T) {
	b := encodeBytes(t, fullCheckpoint(t, 1))
	dir := t.TempDir()
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x5a
		want, substr := ErrCorrupt, "checksum mismatch"
		switch {
		case i < len(Magic):
			want, substr = ErrNotCheckpoint, "not a gwg checkpoint"
		case i < len(Magic)+4:
			want, substr = ErrNewerVersion, "written by a newer gwg"
		case i < len(Magic)+12:
			// A wrong length reads as a truncated file or one with extra
			// bytes, depending on the direction.
			path := writeFile(t, dir, c)
			if _, err := Load(path); !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCorrupt) {
				t.Errorf("length byte %d flipped: error %v", i, err)
			}
			continue
		}
		// Check every byte by decoding, and one in ten through a file.
		if i%10 == 0 {
			loadBoth(t, dir, c, want, substr)
		} else if _, err := Decode(bytes.NewReader(c)); !errors.Is(err, want) || !strings.Contains(err.Error(), substr) {
			t.Errorf("Decode: error %v, want %v containing %q", err, want, substr)
		}
		if t.Failed() {
			t.Fatalf("at byte %d", i)
		}
	}
}

func TestNotCheckpoint(t *testing.T) {
	for _, tt := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"text", []byte("hello, world\n"), ErrNotCheckpoint},
		{"zip", append([]byte("PK\x03\x04"), make([]byte, 100)...), ErrNotCheckpoint},
		{"magic only", []byte(Magic), ErrTruncated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loadBoth(t, "", tt.b, tt.want, "")
		})
	}
}

func TestVersion(t *testing.T) {
	b := encodeBytes(t, fullCheckpoint(t, 1))
	b[len(Magic)] = Version + 1
	loadBoth(t, "", b, ErrNewerVersion, "written by a newer gwg (format version 2; this build reads versions up to 1)")
	b[len(Magic)] = 0
	loadBoth(t, "", b, ErrCorrupt, "format version 0")
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.ckpt")
	_, err := Load(path)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want not-exist naming %s", err, path)
	}
}

// TestHostileLengths checks that lengths claimed by a header or a payload are
// not trusted with memory: each case would allocate gigabytes or overflow the
// stack if they were.
func TestHostileLengths(t *testing.T) {
	h := header{version: Version, length: 1 << 40}
	hugeHeader := append(h.marshal(), "tiny payload"...)
	h.length = 1<<40 + 1
	absurdHeader := h.marshal()

	// A map with one key, "params", whose array claims 2³²−1 tensors.
	hugeArray := append([]byte{0x81, 0xa6}, "params"...)
	hugeArray = append(hugeArray, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x90)
	// The same for a tensor's shape, and for its data.
	hugeShape := append([]byte{0x81, 0xa6}, "params"...)
	hugeShape = append(hugeShape, 0x91, 0x93, 0xa1, 'w', 0xdd, 0xff, 0xff, 0xff, 0xff)
	hugeData := append([]byte{0x81, 0xa6}, "params"...)
	hugeData = append(hugeData, 0x91, 0x93, 0xa1, 'w', 0x90, 0xc6, 0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0)
	deep := append(bytes.Repeat([]byte{0x91}, 1<<20), 0xc0)

	for _, tt := range []struct {
		name string
		b    []byte
		want error
	}{
		{"header claims 1 TiB", hugeHeader, ErrTruncated},
		{"header claims more than 1 TiB", absurdHeader, ErrCorrupt},
		{"array of 2^32-1 tensors", frame(hugeArray), ErrCorrupt},
		{"shape of 2^32-1 dims", frame(hugeShape), ErrCorrupt},
		{"4 GiB of data", frame(hugeData), ErrCorrupt},
		{"nested a million deep", frame(deep), ErrCorrupt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loadBoth(t, "", tt.b, tt.want, "")
		})
	}
}

// failAfter fails like a full disk once n bytes have been written.
type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return f.w.Write(p)
	}
	k, err := f.w.Write(p[:f.n])
	f.n -= k
	if err != nil {
		return k, err
	}
	return k, syscall.ENOSPC
}

func TestSaveAtomic(t *testing.T) {
	old := fullCheckpoint(t, 1)
	next := fullCheckpoint(t, 2)
	size := len(encodeBytes(t, next))
	for _, n := range []int{0, 5, HeaderSize, HeaderSize + 1000, size - 1} {
		dir := t.TempDir()
		path := filepath.Join(dir, "run.ckpt")
		if err := Save(path, old); err != nil {
			t.Fatal(err)
		}
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		err = save(path, next, func(w io.Writer) io.Writer { return &failAfter{w, n} })
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), path) {
			t.Errorf("failing after %d bytes: error %v, want ENOSPC naming the file", n, err)
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("failing after %d bytes: the existing file changed", n)
		}
		assertOnly(t, dir, "run.ckpt")
	}
}

// assertOnly checks that dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

func TestSaveReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	for seed := range uint64(3) {
		c := fullCheckpoint(t, seed)
		if err := Save(path, c); err != nil {
			t.Fatal(err)
		}
		got, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Params, c.Params) {
			t.Fatalf("save %d: parameters differ", seed)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	assertOnly(t, dir, "run.ckpt")
}

func TestSaveRefuses(t *testing.T) {
	dir := t.TempDir()
	bad := fullCheckpoint(t, 1)
	bad.EMA[1].Shape = []int{8}
	path := filepath.Join(dir, "bad.ckpt")
	if err := Save(path, bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), path) {
		t.Errorf("Save of an inconsistent checkpoint: error %v", err)
	}
	if err := Save(filepath.Join(dir, "no", "such", "dir.ckpt"), fullCheckpoint(t, 1)); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
	assertOnly(t, dir)
}
