package datasets

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// freyRaw returns 1,965 distinct test faces: byte p is (7p + p/560) mod 256,
// which takes every value, the quote and backslash included.
func freyRaw() []byte {
	raw := make([]byte, freyImages*freyPixels)
	for p := range raw {
		raw[p] = byte(7*p + p/freyPixels)
	}
	return raw
}

// pyRepr writes b as Python 2 writes a byte string in a protocol 0 pickle.
func pyRepr(b []byte) string {
	var s strings.Builder
	s.WriteByte('\'')
	for _, c := range b {
		switch {
		case c == '\\' || c == '\'':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&s, `\x%02x`, c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte('\'')
	return s.String()
}

// freyPickleBytes writes raw as the canonical pickle does: a list holding
// one uint8 array of shape, pickled by Python 2 and NumPy, opcode for opcode.
func freyPickleBytes(raw []byte, shape string, global string) []byte {
	return []byte("(lp0\n" + global + "p1\n(cnumpy\nndarray\np2\n(I0\ntp3\nS'b'\np4\ntp5\nRp6\n(I1\n" + shape +
		"tp7\ncnumpy\ndtype\np8\n(S'u1'\np9\nI0\nI1\ntp10\nRp11\n(I3\nS'|'\np12\nNNNI-1\nI-1\nI0\ntp13\nbI00\nS" +
		pyRepr(raw) + "\np14\ntp15\nba.")
}

const freyShape = "(I1965\nI560\n"
const freyGlobal = "cnumpy.core.multiarray\n_reconstruct\n"

func TestParseFreyPickle(t *testing.T) {
	raw := freyRaw()
	got, err := parseFreyPickle(bytes.NewReader(freyPickleBytes(raw, freyShape, freyGlobal)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Fatal("parsed data differ from the pickled bytes")
	}
	good := freyPickleBytes(raw, freyShape, freyGlobal)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"other global", freyPickleBytes(raw, freyShape, "cos\nsystem\n"), "unexpected global os.system"},
		{"shape", freyPickleBytes(raw[:560], "(I1\nI560\n", freyGlobal), "shape [1 560]"},
		{"short data", freyPickleBytes(raw[:1000], freyShape, freyGlobal), "array data of 1000 bytes"},
		{"bad escape", bytes.Replace(good, []byte(`\x`), []byte(`\q`), 1), `unexpected escape \q`},
		{"truncated", good[:len(good)/2], "EOF"},
		{"not a pickle", []byte("hello"), ""},
	} {
		_, err := parseFreyPickle(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestOpenFreyNPZ(t *testing.T) {
	dir := t.TempDir()
	raw := freyRaw()
	writeFile(t, dir, filepath.Join("freyfaces", freyNPZ), npzBytes(map[string][]byte{"images.npy": npyBytes("|u1", false, []int{freyImages, freyRows, freyCols}, raw)}))
	set, err := Open("freyfaces", dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, sp := range set.Splits() {
		if sp.N != freySizes[i] || sp.Shape != FreyShape || len(sp.Codes) != sp.N*560 || sp.Images != nil {
			t.Fatalf("%s: N %d, shape %+v, %d codes", sp.Name, sp.N, sp.Shape, len(sp.Codes))
		}
		got = append(got, rows(sp)...)
	}
	// Every face is in exactly one split, pixels in order.
	var want []string
	for i := range freyImages {
		c := make([]uint16, 560)
		for j, v := range raw[i*560 : (i+1)*560] {
			c[j] = uint16(v)
		}
		want = append(want, fmt.Sprint(c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Error("the splits are not a partition of the faces")
	}
	info, err := Describe("freyfaces", dir)
	if err != nil || !info.Ready || !strings.Contains(info.Note, freyNPZ) {
		t.Errorf("Describe = %+v, %v", info, err)
	}

	// A wrong shape is reported.
	writeFile(t, dir, filepath.Join("freyfaces", freyNPZ), npzBytes(map[string][]byte{"images.npy": npyBytes("|u1", false, []int{1, 28, 20}, raw[:560])}))
	if _, err := Open("freyfaces", dir); err == nil || !strings.Contains(err.Error(), "shape [1 28 20]") {
		t.Errorf("wrong shape: err = %v", err)
	}
}

func TestOpenFreyPickle(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open("freyfaces", dir); err == nil || !strings.Contains(err.Error(), "gwg data download --dataset freyfaces") {
		t.Errorf("no files: err = %v", err)
	}
	// A pickle other than the canonical one is refused before parsing.
	writeFile(t, dir, filepath.Join("freyfaces", freyPickle), freyPickleBytes(freyRaw(), freyShape, freyGlobal))
	if _, err := Open("freyfaces", dir); err == nil || !strings.Contains(err.Error(), "not the canonical Frey Faces pickle") {
		t.Errorf("other pickle: err = %v", err)
	}
}

func TestDownloadFrey(t *testing.T) {
	raw := freyRaw()
	good := freyPickleBytes(raw, freyShape, freyGlobal)
	bad := freyPickleBytes(raw[:560], "(I1\nI560\n", freyGlobal)
	srv := fileServer(t, map[string][]byte{"good/" + freyPickle: good, "bad/" + freyPickle: bad}, nil)
	dir := t.TempDir()
	if err := downloadFiles(context.Background(), []remoteFile{freyRemote(srv.URL+"/good/"+freyPickle, sha(good))}, dir, srv.Client(), nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, freyPickle)); !bytes.Equal(b, good) {
		t.Error("downloaded file differs")
	}
	for _, c := range []struct {
		f    remoteFile
		want string
	}{
		{freyRemote(srv.URL+"/good/"+freyPickle, sha(bad)), "SHA-256"},
		{freyRemote(srv.URL+"/bad/"+freyPickle, sha(bad)), "shape [1 560]"},
	} {
		err := downloadFiles(context.Background(), []remoteFile{c.f}, t.TempDir(), srv.Client(), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
	files, err := remoteFiles("freyfaces")
	if err != nil || len(files) != 1 || files[0].sha256 != freyPickleSHA256 || !strings.Contains(files[0].url, freyCommit) {
		t.Errorf("remoteFiles(freyfaces) = %+v, %v", files, err)
	}
}

func TestUnescapePython(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	r := pyRepr(all)
	got, err := unescapePython([]byte(r[1 : len(r)-1]))
	if err != nil || !bytes.Equal(got, all) {
		t.Errorf("round trip of every byte: %v", err)
	}
	for _, bad := range []string{`\`, `\x4`, `\xzz`, `\u0041`} {
		if _, err := unescapePython([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestRealFreyPickle rebuilds the canonical pickle from the .npz of the data
// directory: its SHA-256 is the canonical one, so freyPickleBytes writes that
// file byte for byte, and Open reads the same faces from it as from the .npz.
func TestRealFreyPickle(t *testing.T) {
	dir := os.Getenv("GWG_DATA_DIR")
	if dir == "" {
		t.Skip("GWG_DATA_DIR is not set: skipping the real-data test")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // relative to the module root
	}
	raw, err := readFreyNPZ(filepath.Join(dir, "freyfaces", freyNPZ))
	if err != nil {
		t.Fatal(err)
	}
	pkl := freyPickleBytes(raw, freyShape, freyGlobal)
	if sha(pkl) != freyPickleSHA256 || len(pkl) != freyPickleSize {
		t.Fatalf("rebuilt pickle: %d bytes, SHA-256 %s; want the canonical file", len(pkl), sha(pkl))
	}
	tmp := t.TempDir()
	writeFile(t, tmp, filepath.Join("freyfaces", freyPickle), pkl)
	fromPickle, err := Open("freyfaces", tmp)
	if err != nil {
		t.Fatal(err)
	}
	fromNPZ, err := Open("freyfaces", dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, sp := range fromPickle.Splits() {
		if !slices.Equal(sp.Codes, fromNPZ.Splits()[i].Codes) {
			t.Errorf("%s differs between the pickle and the .npz", sp.Name)
		}
	}
	if info, _ := Describe("freyfaces", tmp); !info.Verified || !strings.Contains(info.Note, freyPickle) {
		t.Errorf("Describe of the canonical pickle: %+v", info)
	}
}
