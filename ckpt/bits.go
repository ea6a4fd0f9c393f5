package ckpt

import (
	"errors"
	"fmt"
)

// Bits is a matrix of 0/1 values stored one bit per value: Rows rows of
// Width values, row-major, value i of the flattened matrix in bit i%8 (least
// significant first) of Data[i/8]. Rows are not padded to whole bytes; only
// the last byte may have unused bits, and those are zero.
//
// One-hot categorical states are stored the same way, as rows of D·K bits;
// Bits does not know about categories.
type Bits struct {
	Rows  int    `msgpack:"rows"`
	Width int    `msgpack:"width"`
	Data  []byte `msgpack:"data"`
}

// PackBits packs x, a row-major matrix of rows of width values that are each
// exactly 0 or 1, into Bits. Any other value is an error: the buffer of a
// binary or one-hot model never holds one, so it means a bug upstream.
func PackBits(x []float32, width int) (Bits, error) {
	if width <= 0 {
		return Bits{}, fmt.Errorf("ckpt: packing bits: width %d is not positive", width)
	}
	if len(x)%width != 0 {
		return Bits{}, fmt.Errorf("ckpt: packing bits: %d values are not whole rows of %d", len(x), width)
	}
	b := Bits{Rows: len(x) / width, Width: width, Data: make([]byte, (len(x)+7)/8)}
	for j := range b.Data {
		lo := 8 * j
		var octet byte
		for i, v := range x[lo:min(lo+8, len(x))] {
			if v == 1 {
				octet |= 1 << i
			} else if v != 0 {
				return Bits{}, fmt.Errorf("ckpt: packing bits: value %d (row %d, column %d) is %v, not 0 or 1",
					lo+i, (lo+i)/width, (lo+i)%width, v)
			}
		}
		b.Data[j] = octet
	}
	return b, nil
}

// UnpackBits writes the values of b into dst as 0s and 1s. dst must hold
// exactly b.Rows·b.Width values.
func UnpackBits(dst []float32, b Bits) error {
	if err := b.check(); err != nil {
		return fmt.Errorf("ckpt: unpacking bits: %w", err)
	}
	if len(dst) != b.Rows*b.Width {
		return fmt.Errorf("ckpt: unpacking %d×%d bits into %d values", b.Rows, b.Width, len(dst))
	}
	for j, octet := range b.Data {
		row := dst[8*j : min(8*j+8, len(dst))]
		for i := range row {
			row[i] = float32(octet >> i & 1)
		}
	}
	return nil
}

// check reports whether Data holds exactly Rows·Width bits.
func (b *Bits) check() error {
	if b.Rows < 0 || b.Width < 0 {
		return fmt.Errorf("%d×%d bits: negative size", b.Rows, b.Width)
	}
	if b.Width > 0 && b.Rows > (maxInt-7)/b.Width {
		return fmt.Errorf("%d×%d bits: size overflows", b.Rows, b.Width)
	}
	n := b.Rows * b.Width
	if len(b.Data) != (n+7)/8 {
		return fmt.Errorf("%d×%d bits need %d bytes, have %d", b.Rows, b.Width, (n+7)/8, len(b.Data))
	}
	if n%8 != 0 && b.Data[len(b.Data)-1]>>(n%8) != 0 {
		return errors.New("unused bits of the last byte are not zero")
	}
	return nil
}
