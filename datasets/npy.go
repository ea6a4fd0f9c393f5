package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
)

// npyHeader is the parsed header of a .npy array.
type npyHeader struct {
	dtype   string // without quotes, e.g. "<i8", "|u1"
	fortran bool
	shape   []int
	size    int // bytes of the header, magic included: the data's offset
}

// maxElements bounds the element count a header may claim, so that products
// of dimensions cannot overflow.
const maxElements = 1 << 40

// readNPYHeader reads and parses a .npy header from r, leaving r at the
// array data. It checks the framing itself before npyio parses the
// dictionary: npyio trusts the header length and panics on a header without
// a newline.
func readNPYHeader(r io.Reader) (npyHeader, error) {
	pre := make([]byte, 10, 12)
	if _, err := io.ReadFull(r, pre); err != nil {
		return npyHeader{}, fmt.Errorf("header: %w", noEOF(err))
	}
	if !bytes.Equal(pre[:6], npy.Magic[:]) {
		return npyHeader{}, fmt.Errorf("not a .npy array (bad magic % x)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		hlen = int(binary.LittleEndian.Uint16(pre[8:]))
	case 2, 3:
		pre = pre[:12]
		if _, err := io.ReadFull(r, pre[10:]); err != nil {
			return npyHeader{}, fmt.Errorf("header: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint32(pre[8:]))
	default:
		return npyHeader{}, fmt.Errorf(".npy version %d.%d not supported", pre[6], pre[7])
	}
	if hlen > 1<<16 {
		return npyHeader{}, fmt.Errorf("header length %d too large", hlen)
	}
	hdr := make([]byte, len(pre)+hlen)
	copy(hdr, pre)
	if _, err := io.ReadFull(r, hdr[len(pre):]); err != nil {
		return npyHeader{}, fmt.Errorf("header: %w", noEOF(err))
	}
	if hlen == 0 || hdr[len(hdr)-1] != '\n' {
		return npyHeader{}, fmt.Errorf("header does not end in a newline")
	}
	h, err := parseNPYHeader(hdr)
	if err != nil {
		return npyHeader{}, fmt.Errorf("header: %w", err)
	}
	out := npyHeader{
		// npyio keeps the dtype's Python quotes.
		dtype:   strings.Trim(h.Descr.Type, `'"`),
		fortran: h.Descr.Fortran,
		shape:   h.Descr.Shape,
		size:    len(hdr),
	}
	n := 1
	for _, d := range out.shape {
		if d < 0 || d > maxElements || n*d > maxElements {
			return npyHeader{}, fmt.Errorf("bad shape %v", out.shape)
		}
		n *= d
	}
	return out, nil
}

// elements returns the number of elements of the array.
func (h npyHeader) elements() int {
	n := 1
	for _, d := range h.shape {
		n *= d
	}
	return n
}

// parseNPYHeader parses a complete .npy header with npyio, turning a panic
// of its dictionary parser on malformed text into an error.
func parseNPYHeader(hdr []byte) (h npy.Header, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed header %q", truncate(hdr[10:]))
		}
	}()
	r, err := npy.NewReader(bytes.NewReader(hdr))
	if err != nil {
		return h, err
	}
	return r.Header, nil
}

// codeDecoder decodes one element of an integer (or integral float) array.
// It returns the value, or a description of why the element is not an
// integer code (NaN, a fraction).
type codeDecoder func(b []byte) (v int64, bad string)

// codeDtype returns the item size and decoder of a .npy dtype that can hold
// category codes: bool, signed and unsigned integers of 1 to 8 bytes and
// floats of 4 or 8 bytes (whose values must then be whole numbers).
func codeDtype(dtype string) (size int, dec codeDecoder, err error) {
	var o binary.ByteOrder = binary.LittleEndian
	if strings.HasPrefix(dtype, ">") {
		o = binary.BigEndian
	}
	if len(dtype) < 2 || !strings.ContainsRune("<>|=", rune(dtype[0])) {
		return 0, nil, fmt.Errorf("dtype %q: want integer codes", dtype)
	}
	switch dtype[1:] {
	case "b1", "u1":
		return 1, func(b []byte) (int64, string) { return int64(b[0]), "" }, nil
	case "i1":
		return 1, func(b []byte) (int64, string) { return int64(int8(b[0])), "" }, nil
	case "u2":
		return 2, func(b []byte) (int64, string) { return int64(o.Uint16(b)), "" }, nil
	case "i2":
		return 2, func(b []byte) (int64, string) { return int64(int16(o.Uint16(b))), "" }, nil
	case "u4":
		return 4, func(b []byte) (int64, string) { return int64(o.Uint32(b)), "" }, nil
	case "i4":
		return 4, func(b []byte) (int64, string) { return int64(int32(o.Uint32(b))), "" }, nil
	case "u8":
		return 8, func(b []byte) (int64, string) { return int64(min(o.Uint64(b), math.MaxInt64)), "" }, nil
	case "i8":
		return 8, func(b []byte) (int64, string) { return int64(o.Uint64(b)), "" }, nil
	case "f4":
		return 4, func(b []byte) (int64, string) { return wholeNumber(float64(math.Float32frombits(o.Uint32(b)))) }, nil
	case "f8":
		return 8, func(b []byte) (int64, string) { return wholeNumber(math.Float64frombits(o.Uint64(b))) }, nil
	}
	what := "want integer codes"
	switch dtype[1] {
	case 'O':
		what = "Python objects (a ragged array?); want a rectangular array of integer codes"
	case 'U', 'S':
		what = "text; want integer codes"
	case 'c':
		what = "complex numbers; want integer codes"
	}
	return 0, nil, fmt.Errorf("dtype %q: %s", dtype, what)
}

// wholeNumber returns f as an integer code, or why it is not one.
func wholeNumber(f float64) (int64, string) {
	switch {
	case math.IsNaN(f):
		return 0, "NaN"
	case math.IsInf(f, 0) || math.Abs(f) > 1<<53:
		return 0, fmt.Sprint(f)
	case f != math.Trunc(f):
		return 0, fmt.Sprintf("%g, not a whole number", f)
	}
	return int64(f), ""
}

// codeError describes a bad element of an array of codes.
type codeError struct {
	array string
	index []int
	msg   string
}

func (e *codeError) Error() string {
	s := make([]string, len(e.index))
	for i, v := range e.index {
		s[i] = fmt.Sprint(v)
	}
	return fmt.Sprintf("%s at %s[%s]", e.msg, e.array, strings.Join(s, ", "))
}

// unravel returns the index of element p of an array of shape stored in C
// (row-major) or Fortran (column-major) order.
func unravel(p int, shape []int, fortran bool) []int {
	idx := make([]int, len(shape))
	for k := range shape {
		a := len(shape) - 1 - k
		if fortran {
			a = k
		}
		if shape[a] > 0 {
			idx[a] = p % shape[a]
			p /= shape[a]
		}
	}
	return idx
}

// readCodes reads the data of an array of header h from r as category codes
// in C order. Codes must be whole numbers in [0, limit), limit ≤ 1<<16;
// overLimit formats the error for a code ≥ limit, given the sites of one
// example. Memory grows with the data actually read, not with what the
// header claims.
func readCodes(r io.Reader, h npyHeader, array string, limit int, overLimit func(code int64, sites int) string) ([]uint16, error) {
	size, dec, err := codeDtype(h.dtype)
	if err != nil {
		return nil, err
	}
	n := h.elements()
	codes := make([]uint16, 0, min(n, 1<<20))
	buf := make([]byte, 1<<16-(1<<16)%size)
	for len(codes) < n {
		chunk := buf[:min(len(buf), (n-len(codes))*size)]
		if _, err := io.ReadFull(r, chunk); err != nil {
			return nil, fmt.Errorf("%s: data: %w", array, noEOF(err))
		}
		for at := 0; at < len(chunk); at += size {
			v, bad := dec(chunk[at : at+size])
			msg := ""
			switch {
			case bad != "":
				msg = "value " + bad + " is not an integer code"
			case v < 0:
				msg = fmt.Sprintf("negative code %d", v)
			case v >= int64(limit):
				msg = overLimit(v, n/max(h.shape[0], 1))
			}
			if msg != "" {
				return nil, &codeError{array, unravel(len(codes), h.shape, h.fortran), msg}
			}
			codes = append(codes, uint16(v))
		}
	}
	if err := expectEOF(r, array); err != nil {
		return nil, err
	}
	if h.fortran && len(h.shape) > 1 {
		codes = toCOrder(codes, h.shape)
	}
	return codes, nil
}

// toCOrder reorders the elements of an array of shape from Fortran to C order.
func toCOrder(f []uint16, shape []int) []uint16 {
	c := make([]uint16, len(f))
	idx := make([]int, len(shape))
	for _, v := range f {
		at := 0
		for a, d := range shape {
			at = at*d + idx[a]
		}
		c[at] = v
		// Fortran order: the first index runs fastest.
		for a := range idx {
			if idx[a]++; idx[a] < shape[a] {
				break
			}
			idx[a] = 0
		}
	}
	return c
}
