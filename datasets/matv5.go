package datasets

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// This file reads the subset of the MAT-file level 5 format that the data
// sets need: numeric, real, non-sparse matrices, stored plainly or inside
// miCOMPRESSED (zlib) elements. Everything else is skipped by its byte count.
// The format is described in MathWorks' "MAT-File Format" (2021), chapter 1.

// MAT-file data types (miXXX).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
)

// MAT-file array classes (mxXXX_CLASS) that hold plain numbers.
const (
	mxDOUBLE = 6
	mxUINT64 = 15
)

const (
	matHeaderLen = 128
	// maxMATElems bounds the elements of one array (and so the memory a
	// hostile file can make us allocate through its claimed sizes).
	maxMATElems = 1 << 31
)

var matMagic = []byte("MATLAB 5.0 MAT-file")

// isMATv5 reports whether b starts like a MAT-file level 5.
func isMATv5(b []byte) bool { return bytes.HasPrefix(b, matMagic) }

// matArray is one numeric variable of a MAT-file.
type matArray struct {
	name  string
	dims  []int
	typ   uint32 // miXXX type of the stored real part
	data  []byte // the real part, in the file's byte order
	order binary.ByteOrder
}

// numel returns the number of elements.
func (a *matArray) numel() int {
	n := 1
	for _, d := range a.dims {
		n *= d
	}
	return n
}

// at returns element k (column-major linear index) as a float64.
func (a *matArray) at(k int) float64 {
	d, o := a.data, a.order
	switch a.typ {
	case miINT8:
		return float64(int8(d[k]))
	case miUINT8:
		return float64(d[k])
	case miINT16:
		return float64(int16(o.Uint16(d[2*k:])))
	case miUINT16:
		return float64(o.Uint16(d[2*k:]))
	case miINT32:
		return float64(int32(o.Uint32(d[4*k:])))
	case miUINT32:
		return float64(o.Uint32(d[4*k:]))
	case miSINGLE:
		return float64(math.Float32frombits(o.Uint32(d[4*k:])))
	case miDOUBLE:
		return math.Float64frombits(o.Uint64(d[8*k:]))
	case miINT64:
		return float64(int64(o.Uint64(d[8*k:])))
	case miUINT64:
		return float64(o.Uint64(d[8*k:]))
	}
	// matrix admits only the types above; NaN fails every caller's 0/1 check.
	return math.NaN()
}

// matTypeSize returns the byte size of a numeric miXXX type, or 0.
func matTypeSize(t uint32) int {
	switch t {
	case miINT8, miUINT8:
		return 1
	case miINT16, miUINT16:
		return 2
	case miINT32, miUINT32, miSINGLE:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// parseMAT reads the variables named in want from the MAT-file contents b.
// Variables not in want are skipped; a wanted variable that is missing, not a
// real numeric matrix, or malformed is an error. The error does not name the
// file: callers add it.
func parseMAT(b []byte, want ...string) (map[string]*matArray, error) {
	if len(b) == 0 {
		return nil, errors.New("empty file")
	}
	if len(b) < matHeaderLen {
		if bytes.HasPrefix(b, matMagic) || bytes.HasPrefix(matMagic, b) {
			return nil, fmt.Errorf("MAT-file header truncated: %d of %d bytes", len(b), matHeaderLen)
		}
		return nil, errors.New("not a MAT-file (too short)")
	}
	if !isMATv5(b) {
		if bytes.HasPrefix(b, []byte("MATLAB 7.3 MAT-file")) {
			return nil, errors.New("MAT-file version 7.3 (HDF5) is not supported; save it with -v7 or -v6")
		}
		return nil, errors.New(`not a MAT-file version 5 (header does not start with "MATLAB 5.0 MAT-file")`)
	}
	var order binary.ByteOrder
	switch string(b[126:128]) {
	case "IM":
		order = binary.LittleEndian
	case "MI":
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("MAT-file header: bad endian indicator %q", b[126:128])
	}
	if v := order.Uint16(b[124:126]); v != 0x0100 {
		return nil, fmt.Errorf("MAT-file header: version %#04x, want 0x0100", v)
	}
	wanted := make(map[string]bool, len(want))
	for _, w := range want {
		wanted[w] = true
	}
	out := make(map[string]*matArray, len(want))
	p := &matParser{order: order}
	for pos, i := matHeaderLen, 1; pos < len(b); i++ {
		typ, body, next, err := p.element(b, pos)
		if err != nil {
			return nil, fmt.Errorf("MAT-file element %d at byte %d: %w", i, pos, err)
		}
		switch typ {
		case miCOMPRESSED:
			next = pos + 8 + len(body) // compressed elements are not padded
			if body, err = p.inflate(body); err != nil {
				return nil, fmt.Errorf("MAT-file element %d at byte %d: %w", i, pos, err)
			}
		case miMATRIX:
		default:
			return nil, fmt.Errorf("MAT-file element %d at byte %d: type %d, want a matrix (14) or compressed (15)", i, pos, typ)
		}
		a, err := p.matrix(body, wanted)
		if err != nil {
			return nil, fmt.Errorf("MAT-file element %d at byte %d: %w", i, pos, err)
		}
		if a != nil {
			if out[a.name] != nil {
				return nil, fmt.Errorf("MAT-file: variable %q appears twice", a.name)
			}
			out[a.name] = a
		}
		pos = next
	}
	for _, w := range want {
		if out[w] == nil {
			return nil, fmt.Errorf("MAT-file has no variable %q", w)
		}
	}
	return out, nil
}

type matParser struct {
	order binary.ByteOrder
}

// element reads the data element whose tag starts at b[pos]. It returns the
// element's type, its data and the position of the next element (8-byte
// aligned, as the format requires; a missing final pad is tolerated).
func (p *matParser) element(b []byte, pos int) (typ uint32, body []byte, next int, err error) {
	if len(b)-pos < 8 {
		return 0, nil, 0, fmt.Errorf("truncated tag: %d of 8 bytes", len(b)-pos)
	}
	w := p.order.Uint32(b[pos:])
	if small := w >> 16; small != 0 {
		// Small data element: type and size share the first word, data in the second.
		typ, n := w&0xffff, int(small)
		if n > 4 {
			return 0, nil, 0, fmt.Errorf("small element claims %d bytes, at most 4 fit", n)
		}
		return typ, b[pos+4 : pos+4+n], pos + 8, nil
	}
	typ = w
	n := uint64(p.order.Uint32(b[pos+4:]))
	if n > uint64(len(b)-pos-8) {
		return 0, nil, 0, fmt.Errorf("truncated: element of type %d claims %d bytes, %d left", typ, n, len(b)-pos-8)
	}
	end := pos + 8 + int(n)
	next = min(end+(8-int(n)%8)%8, len(b))
	return typ, b[pos+8 : end], next, nil
}

// inflate decompresses an miCOMPRESSED element, which must hold exactly one
// miMATRIX element, and returns that element's data.
func (p *matParser) inflate(z []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("compressed element: %w", err)
	}
	var tag [8]byte
	if _, err := io.ReadFull(zr, tag[:]); err != nil {
		return nil, fmt.Errorf("compressed element: reading inner tag: %w", err)
	}
	if typ := p.order.Uint32(tag[:]); typ != miMATRIX {
		return nil, fmt.Errorf("compressed element holds type %d, want a matrix (14)", typ)
	}
	n := int64(p.order.Uint32(tag[4:]))
	// ReadAll over a LimitReader grows with the data actually inflated, so
	// a claimed size alone cannot make us allocate.
	body, err := io.ReadAll(io.LimitReader(zr, n))
	if err != nil {
		return nil, fmt.Errorf("compressed element: %w", err)
	}
	if int64(len(body)) != n {
		return nil, fmt.Errorf("compressed element truncated: matrix claims %d bytes, %d inflated", n, len(body))
	}
	// Reading to the end checks the Adler-32 checksum.
	extra, err := io.Copy(io.Discard, zr)
	if err != nil {
		return nil, fmt.Errorf("compressed element: %w", err)
	}
	if extra != 0 {
		return nil, fmt.Errorf("compressed element: %d bytes after the matrix", extra)
	}
	return body, nil
}

// matrix parses an miMATRIX element's data. It returns nil, nil for a
// variable not in wanted.
func (p *matParser) matrix(b []byte, wanted map[string]bool) (*matArray, error) {
	typ, flags, pos, err := p.element(b, 0)
	if err != nil {
		return nil, fmt.Errorf("matrix flags: %w", err)
	}
	if typ != miUINT32 || len(flags) != 8 {
		return nil, fmt.Errorf("matrix flags: type %d with %d bytes, want uint32 (6) with 8", typ, len(flags))
	}
	class := p.order.Uint32(flags) & 0xff
	complexFlag := p.order.Uint32(flags)&0x800 != 0

	typ, rawDims, next, err := p.element(b, pos)
	if err != nil {
		return nil, fmt.Errorf("matrix dimensions: %w", err)
	}
	if typ != miINT32 || len(rawDims)%4 != 0 || len(rawDims) < 8 {
		return nil, fmt.Errorf("matrix dimensions: type %d with %d bytes, want int32 (5) with at least 2 values", typ, len(rawDims))
	}
	pos = next
	dims := make([]int, len(rawDims)/4)
	numel := 1
	for i := range dims {
		d := int32(p.order.Uint32(rawDims[4*i:]))
		if d < 0 {
			return nil, fmt.Errorf("matrix dimension %d is negative (%d)", i, d)
		}
		dims[i] = int(d)
		if numel = numel * dims[i]; numel > maxMATElems {
			return nil, fmt.Errorf("matrix dimensions %v too large", dims[:i+1])
		}
	}

	typ, name, next, err := p.element(b, pos)
	if err != nil {
		return nil, fmt.Errorf("matrix name: %w", err)
	}
	if typ != miINT8 {
		return nil, fmt.Errorf("matrix name: type %d, want int8 (1)", typ)
	}
	pos = next
	if !wanted[string(name)] {
		return nil, nil
	}
	switch {
	case class < mxDOUBLE || class > mxUINT64:
		return nil, fmt.Errorf("variable %q has array class %d, want a numeric class (6..15)", name, class)
	case complexFlag:
		return nil, fmt.Errorf("variable %q is complex, want real", name)
	}

	typ, data, _, err := p.element(b, pos)
	if err != nil {
		return nil, fmt.Errorf("variable %q real part: %w", name, err)
	}
	size := matTypeSize(typ)
	if size == 0 {
		return nil, fmt.Errorf("variable %q real part: type %d is not numeric", name, typ)
	}
	if len(data) != numel*size {
		return nil, fmt.Errorf("variable %q real part: %d bytes, want %d (%v elements of %d bytes)", name, len(data), numel*size, dims, size)
	}
	return &matArray{name: string(name), dims: dims, typ: typ, data: data, order: p.order}, nil
}

// matrix2 returns the variable's shape as rows×cols, or an error if it is
// not two-dimensional.
func (a *matArray) matrix2() (rows, cols int, err error) {
	if len(a.dims) != 2 {
		return 0, 0, fmt.Errorf("variable %q has %d dimensions %v, want 2", a.name, len(a.dims), a.dims)
	}
	return a.dims[0], a.dims[1], nil
}

// binaryRows converts the variable, an n×cols matrix of 0/1 values, to a
// row-major []float32 with row i's column j at i*cols + pos(j), and every
// value v replaced by 1-v if flip. Any other value is an error.
func (a *matArray) binaryRows(pos func(j int) int, flip bool) ([]float32, error) {
	n, cols, err := a.matrix2()
	if err != nil {
		return nil, err
	}
	out := make([]float32, n*cols)
	if a.typ == miUINT8 {
		// The common case, checked in one pass over the bytes.
		for k, v := range a.data {
			if v > 1 {
				return nil, fmt.Errorf("variable %q, row %d, column %d: value %d, want 0 or 1", a.name, k%n, k/n, v)
			}
		}
	}
	lut := [2]float32{0, 1}
	if flip {
		lut = [2]float32{1, 0}
	}
	// The data is column-major: go through it in blocks of rows so that the
	// rows being written stay in cache while the columns are read.
	const block = 64
	for i0 := 0; i0 < n; i0 += block {
		i1 := min(i0+block, n)
		for j := range cols {
			p := pos(j)
			col := j * n
			if a.typ == miUINT8 {
				for i, v := range a.data[col+i0 : col+i1] {
					out[(i0+i)*cols+p] = lut[v]
				}
				continue
			}
			for i := i0; i < i1; i++ {
				v := a.at(col + i)
				if v != 0 && v != 1 {
					return nil, fmt.Errorf("variable %q, row %d, column %d: value %v, want 0 or 1", a.name, i, j, v)
				}
				out[i*cols+p] = lut[int(v)]
			}
		}
	}
	return out, nil
}
