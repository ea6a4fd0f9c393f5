package ckpt

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode, both as a file and as a payload
// behind a valid header (so that the fuzzer gets past the checksum). Decoding
// must fail cleanly or give a checkpoint that re-encodes to a stable form.
func FuzzDecode(f *testing.F) {
	valid := encodeBytes(f, fullCheckpoint(f, 1))
	small := encodeBytes(f, &Checkpoint{Model: ModelSpec{Kind: "rbm"}, Params: []Tensor{{Name: "w", Shape: []int{2}, Data: []float32{1, 2}}}})
	f.Add(valid)
	f.Add(valid[HeaderSize:])
	f.Add(small)
	f.Add(small[HeaderSize:])
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:HeaderSize-3])
	f.Add([]byte("garbage that is not a checkpoint at all, not even close"))
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := Decode(bytes.NewReader(data)); err == nil {
			stable(t, c)
		}
		if c, err := Decode(bytes.NewReader(frame(data))); err == nil {
			stable(t, c)
		}
	})
}

// stable checks that a decoded checkpoint encodes, and that decoding and
// encoding that again gives the same bytes. (Bytes, not reflect.DeepEqual,
// because NaNs are legal values.)
func stable(t *testing.T, c *Checkpoint) {
	b, err := marshal(c)
	if err != nil {
		t.Fatalf("a decoded checkpoint does not encode: %v", err)
	}
	c2, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("a re-encoded checkpoint does not decode: %v", err)
	}
	b2, err := marshal(c2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatal("encoding is not stable")
	}
}
