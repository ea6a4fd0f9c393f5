package ckpt

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/vmihailenco/msgpack/v5"
)

// A Tensor is stored as the msgpack array [name, shape, data] with data the
// little-endian bytes of the float32 values. Going through bytes rather than
// a msgpack array of floats makes the file 20% smaller and the codec an order
// of magnitude faster, and it keeps every bit pattern.

// chunk is the scratch size for converting floats to and from bytes.
const chunk = 32 << 10

var (
	_ msgpack.CustomEncoder = Tensor{}
	_ msgpack.CustomDecoder = (*Tensor)(nil)
)

// EncodeMsgpack implements msgpack.CustomEncoder.
func (t Tensor) EncodeMsgpack(e *msgpack.Encoder) error {
	if len(t.Data) > math.MaxUint32/4 {
		return fmt.Errorf("tensor %q: %d values are more than a checkpoint can hold", t.Name, len(t.Data))
	}
	if err := e.EncodeArrayLen(3); err != nil {
		return err
	}
	if err := e.EncodeString(t.Name); err != nil {
		return err
	}
	if err := e.EncodeArrayLen(len(t.Shape)); err != nil {
		return err
	}
	for _, d := range t.Shape {
		if err := e.EncodeInt(int64(d)); err != nil {
			return err
		}
	}
	if err := e.EncodeBytesLen(4 * len(t.Data)); err != nil {
		return err
	}
	var buf [chunk]byte
	w := e.Writer()
	for data := t.Data; len(data) > 0; {
		n := min(len(data), chunk/4)
		for i, v := range data[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// DecodeMsgpack implements msgpack.CustomDecoder. Empty shapes and data
// decode as nil.
func (t *Tensor) DecodeMsgpack(d *msgpack.Decoder) error {
	n, err := d.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n != 3 {
		return fmt.Errorf("tensor is an array of %d elements, want 3", n)
	}
	if t.Name, err = d.DecodeString(); err != nil {
		return err
	}
	// The lengths below are bounded by the payload size: scanMsgpack has
	// checked every length against the bytes that follow it.
	if n, err = d.DecodeArrayLen(); err != nil {
		return err
	}
	t.Shape = nil
	if n > 0 {
		t.Shape = make([]int, n)
		for i := range t.Shape {
			if t.Shape[i], err = d.DecodeInt(); err != nil {
				return err
			}
		}
	}
	if n, err = d.DecodeBytesLen(); err != nil {
		return err
	}
	if n < 0 || n%4 != 0 {
		return fmt.Errorf("tensor %q: %d data bytes are not whole float32 values", t.Name, n)
	}
	t.Data = nil
	if n > 0 {
		t.Data = make([]float32, n/4)
	}
	var buf [chunk]byte
	for data := t.Data; len(data) > 0; {
		k := min(len(data), chunk/4)
		if err := d.ReadFull(buf[:4*k]); err != nil {
			return err
		}
		for i := range data[:k] {
			data[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		data = data[k:]
	}
	return nil
}
