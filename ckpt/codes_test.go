package ckpt

import (
	"bytes"
	"testing"
)

// TestCodesLeftOutWhenEmpty keeps the files of binary runs as they were: an
// empty Codes writes no key.
func TestCodesLeftOutWhenEmpty(t *testing.T) {
	c := fullCheckpoint(t, 1)
	if bytes.Contains(encodeBytes(t, c), []byte("buffer_codes")) {
		t.Error("a checkpoint without a code buffer has the key buffer_codes")
	}
	c.Train.Buffer = Bits{}
	c.Train.Codes = Codes{Rows: 1, Width: 2, Categories: 3, Data: []byte{2, 0}}
	if !bytes.Contains(encodeBytes(t, c), []byte("buffer_codes")) {
		t.Error("a code buffer is not written")
	}
}
