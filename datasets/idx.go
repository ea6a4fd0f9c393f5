package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// maxIDXElems bounds the elements of one idx file: a claimed size alone must
// not make us allocate gigabytes.
const maxIDXElems = 1 << 30

// readIDX reads an idx file of unsigned bytes (the MNIST format of LeCun et
// al.), gzip-compressed or not, and returns its dimensions and data.
func readIDX(path string) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	dims, data, err = parseIDX(f)
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return dims, data, nil
}

// parseIDX reads the idx format from r, inflating it first if it starts with
// the gzip magic number. Only the unsigned-byte element type (0x08) is
// accepted: it is the only one MNIST uses.
func parseIDX(r io.Reader) (dims []int, data []byte, err error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		zr.Multistream(false)
		r = zr
	} else {
		r = br
	}
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, nil, fmt.Errorf("idx header: %w", noEOF(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, nil, fmt.Errorf("idx header: magic % x, want 00 00 08 <dims>", hdr)
	}
	if hdr[2] != 0x08 {
		return nil, nil, fmt.Errorf("idx header: element type %#02x, want unsigned byte (0x08)", hdr[2])
	}
	nd := int(hdr[3])
	if nd < 1 || nd > 4 {
		return nil, nil, fmt.Errorf("idx header: %d dimensions, want 1 to 4", nd)
	}
	raw := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, nil, fmt.Errorf("idx dimensions: %w", noEOF(err))
	}
	dims = make([]int, nd)
	n := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
		if n *= dims[i]; dims[i] > maxIDXElems || n > maxIDXElems {
			return nil, nil, fmt.Errorf("idx dimensions %v too large", dims[:i+1])
		}
	}
	data, err = io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, nil, fmt.Errorf("idx data: %w", err)
	}
	if len(data) != n {
		return nil, nil, fmt.Errorf("idx data truncated: %d of %d bytes (dimensions %v)", len(data), n, dims)
	}
	// Reading to the end checks the gzip CRC and catches trailing bytes.
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, nil, fmt.Errorf("idx data: %w", err)
	}
	if extra != 0 {
		return nil, nil, fmt.Errorf("idx: %d bytes after the data", extra)
	}
	return dims, data, nil
}

// noEOF turns a bare io.EOF into io.ErrUnexpectedEOF: inside a header, the
// end of the file means truncation.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
