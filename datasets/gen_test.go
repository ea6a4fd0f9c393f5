package datasets

// Writers of small files in every format the package reads, for tests and
// fuzz seeds.

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// matVar is a variable for makeMAT.
type matVar struct {
	name       string
	class      uint32 // mxXXX; numeric unless testing errors
	dims       []int32
	typ        uint32 // miXXX of data
	data       []byte // raw, already in the file's byte order
	complex    bool
	compressed bool
}

// makeMAT builds a MAT-file level 5 in byte order o.
func makeMAT(o binary.ByteOrder, vars ...matVar) []byte {
	var b bytes.Buffer
	hdr := make([]byte, matHeaderLen)
	copy(hdr, "MATLAB 5.0 MAT-file, written by a gwg test")
	for i := 42; i < 116; i++ {
		hdr[i] = ' '
	}
	o.PutUint16(hdr[124:], 0x0100)
	if o == binary.LittleEndian {
		copy(hdr[126:], "IM")
	} else {
		copy(hdr[126:], "MI")
	}
	b.Write(hdr)
	for _, v := range vars {
		m := matMatrix(o, v)
		if !v.compressed {
			b.Write(m)
			continue
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(m)
		zw.Close()
		b.Write(matTag(o, miCOMPRESSED, z.Len()))
		b.Write(z.Bytes())
	}
	return b.Bytes()
}

func matTag(o binary.ByteOrder, typ uint32, n int) []byte {
	t := make([]byte, 8)
	o.PutUint32(t, typ)
	o.PutUint32(t[4:], uint32(n))
	return t
}

// matElem encodes a data element with padding; short data uses the small
// element format.
func matElem(o binary.ByteOrder, typ uint32, data []byte) []byte {
	if len(data) <= 4 && len(data) > 0 {
		e := make([]byte, 8)
		o.PutUint32(e, uint32(len(data))<<16|typ)
		copy(e[4:], data)
		return e
	}
	e := append(matTag(o, typ, len(data)), data...)
	for len(e)%8 != 0 {
		e = append(e, 0)
	}
	return e
}

func matMatrix(o binary.ByteOrder, v matVar) []byte {
	flags := make([]byte, 8)
	f := v.class
	if v.complex {
		f |= 0x800
	}
	o.PutUint32(flags, f)
	dims := make([]byte, 4*len(v.dims))
	for i, d := range v.dims {
		o.PutUint32(dims[4*i:], uint32(d))
	}
	var body []byte
	body = append(body, matElem(o, miUINT32, flags)...)
	body = append(body, matElem(o, miINT32, dims)...)
	body = append(body, matElem(o, miINT8, []byte(v.name))...)
	body = append(body, matElem(o, v.typ, v.data)...)
	return append(matTag(o, miMATRIX, len(body)), body...)
}

// uint8Var returns a compressed uint8 variable of class double, like the
// binarized-MNIST and Caltech files, from a column-major rows×cols matrix.
func uint8Var(name string, rows, cols int, colMajor []byte) matVar {
	return matVar{name: name, class: mxDOUBLE, dims: []int32{int32(rows), int32(cols)}, typ: miUINT8, data: colMajor, compressed: true}
}

// testImages returns n binary row-major images, each with a distinct pattern:
// image i has ink at pixels j with (i+j)%7 == 0 and in its whole top row.
func testImages(n int) []float32 {
	im := make([]float32, n*Dim)
	for i := range n {
		for j := range Dim {
			if (i+j)%7 == 0 || j < Side {
				im[i*Dim+j] = 1
			}
		}
	}
	return im
}

// amatText renders row-major binary images as .amat text.
func amatText(images []float32) []byte {
	var b strings.Builder
	for i := range len(images) / Dim {
		for j := range Dim {
			if j > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprint(&b, images[i*Dim+j])
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// amatMAT renders row-major binary images as the MAT-file form of .amat.
func amatMAT(images []float32) []byte {
	n := len(images) / Dim
	col := make([]byte, len(images))
	for i := range n {
		for j := range Dim {
			col[j*n+i] = byte(images[i*Dim+j])
		}
	}
	return makeMAT(binary.LittleEndian, uint8Var("X", n, Dim, col))
}

// idxFile builds an idx file of unsigned bytes.
func idxFile(dims []int, data []byte, gz bool) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

// npyBytes builds a version 1.0 .npy array.
func npyBytes(descr string, fortran bool, shape []int, data []byte) []byte {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(s, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	f := "False"
	if fortran {
		f = "True"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }", descr, f, tuple)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

// npzBytes zips named .npy arrays (deflated, as np.savez_compressed does).
func npzBytes(items map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"images.npy", "labels.npy"} {
		if data, ok := items[name]; ok {
			w, _ := zw.Create(name)
			w.Write(data)
		}
	}
	zw.Close()
	return b.Bytes()
}

// omniglotArrays returns images.npy and labels.npy of a small Omniglot file
// of chars characters. Character ch, drawer d has an ink block (False) at
// rows [10, 40) and columns [5+ch+d, 25+ch+d); the rest is paper, stored as
// 0xff like the real files.
func omniglotArrays(chars int) (images, labels []byte) {
	raw := make([]byte, chars*omniDrawers*omniPixels)
	lab := make([]byte, chars*omniDrawers*8)
	for ch := range chars {
		for d := range omniDrawers {
			im := raw[(ch*omniDrawers+d)*omniPixels:]
			for k := range omniPixels {
				r, c := k/omniSide, k%omniSide
				if r >= 10 && r < 40 && c >= 5+ch+d && c < 25+ch+d {
					im[k] = 0
				} else {
					im[k] = 0xff
				}
			}
			binary.LittleEndian.PutUint64(lab[8*(ch*omniDrawers+d):], uint64(ch))
		}
	}
	return npyBytes("|b1", false, []int{chars, omniDrawers, omniSide, omniSide}, raw),
		npyBytes("<i8", false, []int{chars, omniDrawers}, lab)
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func zlibBytes(b []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	return z.Bytes()
}

var binaryLE = binary.LittleEndian
