package ckpt

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/gwg-go/gwg/internal/atomicfile"
)

// Magic opens every checkpoint file.
const Magic = "GWGCKPT\n"

// Version is the format version this package writes, and the newest it reads.
const Version = 1

// HeaderSize is the size of the fixed header before the payload.
const HeaderSize = len(Magic) + 4 + 8 + sha256.Size

// maxPayload bounds the payload length a header may claim. Nothing is
// allocated on the strength of the claim alone (see readPayload); the bound
// only turns a nonsensical length into a clear error.
const maxPayload = 1 << 40

// Errors that Decode and Load wrap, for errors.Is.
var (
	// ErrNotCheckpoint: the file does not start with Magic.
	ErrNotCheckpoint = errors.New("not a gwg checkpoint")
	// ErrNewerVersion: the file was written by a newer format version.
	ErrNewerVersion = errors.New("written by a newer gwg")
	// ErrTruncated: the file is shorter than its header says.
	ErrTruncated = errors.New("truncated")
	// ErrCorrupt: the checksum does not match, or the payload is not a
	// well-formed checkpoint.
	ErrCorrupt = errors.New("corrupt")
	// ErrInvalid: the checkpoint decodes but is inconsistent (see Validate).
	ErrInvalid = errors.New("inconsistent checkpoint")
)

// header is the decoded fixed header.
type header struct {
	version uint32
	length  uint64
	sum     [sha256.Size]byte
}

func (h *header) marshal() []byte {
	b := make([]byte, 0, HeaderSize)
	b = append(b, Magic...)
	b = binary.LittleEndian.AppendUint32(b, h.version)
	b = binary.LittleEndian.AppendUint64(b, h.length)
	return append(b, h.sum[:]...)
}

// parseHeader checks the magic, version and claimed length of b, which holds
// HeaderSize bytes.
func parseHeader(b []byte) (header, error) {
	var h header
	if string(b[:len(Magic)]) != Magic {
		return h, fmt.Errorf("%w: the file starts with %q, not %q", ErrNotCheckpoint, b[:len(Magic)], Magic)
	}
	b = b[len(Magic):]
	h.version = binary.LittleEndian.Uint32(b)
	h.length = binary.LittleEndian.Uint64(b[4:])
	copy(h.sum[:], b[12:])
	switch {
	case h.version > Version:
		return h, fmt.Errorf("%w (format version %d; this build reads versions up to %d)", ErrNewerVersion, h.version, Version)
	case h.version == 0:
		return h, fmt.Errorf("%w: format version 0 does not exist", ErrCorrupt)
	case h.length > maxPayload:
		return h, fmt.Errorf("%w: header claims an implausible payload of %d bytes", ErrCorrupt, h.length)
	}
	return h, nil
}

// Encode writes c to w in the checkpoint format. It validates c first and
// writes nothing if c is inconsistent.
func Encode(w io.Writer, c *Checkpoint) error {
	b, err := marshal(c)
	if err != nil {
		return fmt.Errorf("ckpt: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("ckpt: writing: %w", err)
	}
	return nil
}

// marshal returns the complete file contents for c: header and payload.
func marshal(c *Checkpoint) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(HeaderSize + estimateSize(c))
	buf.Write(make([]byte, HeaderSize))
	// The encoding is deterministic (ModelSpec sorts its maps), so the same
	// state always gives the same bytes and checksum.
	if err := msgpack.NewEncoder(&buf).Encode(c); err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	b := buf.Bytes()
	payload := b[HeaderSize:]
	h := header{version: Version, length: uint64(len(payload)), sum: sha256.Sum256(payload)}
	copy(b, h.marshal())
	return b, nil
}

// estimateSize is the payload size of c give or take its small fields, so
// that marshal allocates once.
func estimateSize(c *Checkpoint) int {
	n := 4 << 10
	for _, ts := range [][]Tensor{c.Params, c.EMA} {
		for i := range ts {
			n += 4*len(ts[i].Data) + len(ts[i].Name) + 16
		}
	}
	n += 5 * len(c.BaseMean)
	if s := c.Train; s != nil {
		n += 2 * 4 * c.NumParams()
		n += len(s.Buffer.Data) + len(s.Codes.Data) + len(s.RNG) + len(s.Config)
		for _, r := range s.Metrics.Rows {
			n += 9*len(r) + 1
		}
	}
	return n
}

// Decode reads one checkpoint from r. It never allocates much more than the
// bytes r actually delivers, whatever the header claims.
func Decode(r io.Reader) (*Checkpoint, error) {
	h, err := readHeader(r)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %w", err)
	}
	payload, err := readPayload(r, h.length)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %w", err)
	}
	c, err := decodePayload(h, payload)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %w", err)
	}
	return c, nil
}

// Load reads the checkpoint file at path. Errors name the file.
func Load(path string) (*Checkpoint, error) {
	c, err := load(path)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %s: %w", path, err)
	}
	return c, nil
}

func load(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	h, err := readHeader(f)
	if err != nil {
		return nil, err
	}
	// The file size is known, so a wrong length is caught before reading.
	want := int64(HeaderSize) + int64(h.length)
	switch {
	case size < want:
		return nil, fmt.Errorf("%w: %d bytes, the header says %d (%d-byte header + %d-byte payload)",
			ErrTruncated, size, want, HeaderSize, h.length)
	case size > want:
		return nil, fmt.Errorf("%w: %d bytes, the header says %d; %d unexpected bytes at the end",
			ErrCorrupt, size, want, size-want)
	}
	payload := make([]byte, h.length)
	if _, err := io.ReadFull(f, payload); err != nil {
		return nil, fmt.Errorf("reading payload: %w", err)
	}
	return decodePayload(h, payload)
}

func readHeader(r io.Reader) (header, error) {
	var b [HeaderSize]byte
	n, err := io.ReadFull(r, b[:])
	switch {
	case err == io.EOF, err == io.ErrUnexpectedEOF:
		// Report a short file that is not even a checkpoint as such.
		if n < len(Magic) && string(b[:n]) != Magic[:n] || n >= len(Magic) && string(b[:len(Magic)]) != Magic {
			return header{}, fmt.Errorf("%w: %d bytes not starting with %q", ErrNotCheckpoint, n, Magic)
		}
		return header{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", ErrTruncated, n, HeaderSize)
	case err != nil:
		return header{}, fmt.Errorf("reading header: %w", err)
	}
	return parseHeader(b[:])
}

// readPayload reads the n-byte payload. The buffer grows with the data that
// arrives, so a header claiming a terabyte over a stream of ten bytes costs
// ten bytes, not a terabyte.
func readPayload(r io.Reader, n uint64) ([]byte, error) {
	const step = 1 << 20
	buf := make([]byte, 0, min(n, step))
	for uint64(len(buf)) < n {
		k := int(min(n-uint64(len(buf)), step))
		if len(buf)+k > cap(buf) {
			// Double, but never past n: the final buffer is exactly n bytes.
			buf = slices.Grow(buf, int(min(uint64(2*cap(buf)), n))-len(buf))
		}
		m, err := io.ReadFull(r, buf[len(buf):len(buf)+k])
		buf = buf[:len(buf)+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%w: payload has %d bytes, the header says %d (%d bytes with the header)",
				ErrTruncated, len(buf), n, uint64(HeaderSize)+n)
		}
		if err != nil {
			return nil, fmt.Errorf("reading payload: %w", err)
		}
	}
	return buf, nil
}

// decodePayload checks the payload against the header's checksum, decodes
// and validates it.
func decodePayload(h header, payload []byte) (*Checkpoint, error) {
	if sum := sha256.Sum256(payload); sum != h.sum {
		return nil, fmt.Errorf("%w: checksum mismatch (payload SHA-256 %s…, header says %s…)",
			ErrCorrupt, hex.EncodeToString(sum[:6]), hex.EncodeToString(h.sum[:6]))
	}
	if err := scanMsgpack(payload); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	c := new(Checkpoint)
	if err := msgpack.Unmarshal(payload, c); err != nil {
		return nil, fmt.Errorf("%w: decoding payload: %v", ErrCorrupt, err)
	}
	c.FormatVersion = int(h.version)
	c.Created = c.Created.UTC()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Save writes c to path atomically (see package internal/atomicfile): a
// reader, even after a crash, finds the old file or the complete new one. On
// any error a file already at path is left as it was.
func Save(path string, c *Checkpoint) error {
	return save(path, c, nil)
}

// save is Save with a seam for tests: wrap, if not nil, wraps the writer of
// the temporary file, e.g. to fail after n bytes like a full disk.
func save(path string, c *Checkpoint, wrap func(io.Writer) io.Writer) error {
	b, err := marshal(c)
	if err == nil {
		err = atomicfile.Write(path, func(w io.Writer) error {
			if wrap != nil {
				w = wrap(w)
			}
			_, err := w.Write(b)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("ckpt: saving %s: %w", path, err)
	}
	return nil
}
