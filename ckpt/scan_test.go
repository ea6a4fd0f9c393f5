package ckpt

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// TestScanMsgpack runs the scanner over values of every msgpack type and
// width: each must scan whole, and every proper prefix must be refused.
func TestScanMsgpack(t *testing.T) {
	values := []any{
		nil, true, false,
		0, -1, 200, -200, 40000, -40000, 1 << 20, -(1 << 20), int64(1) << 40, int64(-1) << 40, uint64(math.MaxUint64),
		float32(1.5), 2.5,
		"", "short", strings.Repeat("s", 40), strings.Repeat("m", 300), strings.Repeat("l", 70000),
		[]byte{}, []byte("bin8"), bytes.Repeat([]byte{7}, 300), bytes.Repeat([]byte{8}, 70000),
		make([]int, 3), make([]int, 20), make([]int, 70000),
		map[string]int{"a": 1}, map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14, "o": 15, "p": 16},
		time.Unix(1, 0), time.Unix(1<<33, 5), time.Unix(-1, 5),
		[]any{[]any{[]any{map[string]any{"deep": []any{1, "x", nil}}}}},
	}
	for i, v := range values {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := scanMsgpack(b); err != nil {
			t.Errorf("value %d (%.20v, % x…): %v", i, v, b[:min(len(b), 5)], err)
		}
		// Checking every prefix of the long values would be quadratic.
		for n := max(0, len(b)-400); n < len(b); n++ {
			if scanMsgpack(b[:n]) == nil {
				t.Errorf("value %d cut to %d of %d bytes scanned as whole", i, n, len(b))
				break
			}
		}
		if scanMsgpack(append(b, 0)) == nil {
			t.Errorf("value %d with a trailing byte scanned as whole", i)
		}
	}
	if err := scanMsgpack([]byte{0xc1}); err == nil || !strings.Contains(err.Error(), "invalid type byte 0xc1") {
		t.Errorf("0xc1: %v", err)
	}
	// Ext types of every width.
	for _, b := range [][]byte{
		{0xd4, 1, 0}, {0xd5, 1, 0, 0}, {0xd6, 1, 0, 0, 0, 0}, {0xd8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0xc7, 2, 1, 0, 0}, {0xc8, 0, 1, 9, 0}, {0xc9, 0, 0, 0, 0, 3},
	} {
		if err := scanMsgpack(b); err != nil {
			t.Errorf("% x: %v", b, err)
		}
		if scanMsgpack(b[:len(b)-1]) == nil {
			t.Errorf("% x cut by one scanned as whole", b)
		}
	}
}
