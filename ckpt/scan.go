package ckpt

import (
	"encoding/binary"
	"fmt"
)

// maxDepth bounds the nesting of msgpack containers. A checkpoint nests five
// deep; the bound keeps a hostile payload of nested arrays from exhausting
// the stack of a recursive decoder.
const maxDepth = 32

// scanMsgpack checks that b is exactly one well-formed msgpack value whose
// every declared length fits in the bytes that follow it, nested at most
// maxDepth deep.
//
// The msgpack library trusts declared lengths: v5.4.0 and v5.4.1 allocate a
// slice of the declared number of elements before decoding any of them
// (vmihailenco/msgpack issue 401: its element limit is never applied), so
// five bytes claiming 2³² tensors make it allocate 275 GB and the process
// die. After this scan every allocation is bounded by a small multiple of
// len(b).
func scanMsgpack(b []byte) error {
	// pending[k] is the number of values still to read at depth k.
	pending := make([]int, 1, 8)
	pending[0] = 1
	pos := 0
	for len(pending) > 0 {
		if pending[len(pending)-1] == 0 {
			pending = pending[:len(pending)-1]
			continue
		}
		pending[len(pending)-1]--
		if pos >= len(b) {
			return fmt.Errorf("msgpack value ends early at byte %d", pos)
		}
		c := b[pos]
		pos++
		size, count, err := scanCode(b, &pos, c)
		if err != nil {
			return fmt.Errorf("msgpack byte %d: %w", pos, err)
		}
		rest := len(b) - pos
		if size > rest || count > rest {
			return fmt.Errorf("msgpack byte %d: length %d exceeds the %d bytes left", pos, max(size, count), rest)
		}
		pos += size
		if count > 0 {
			if len(pending) == maxDepth {
				return fmt.Errorf("msgpack byte %d: nested deeper than %d", pos, maxDepth)
			}
			pending = append(pending, count)
		}
	}
	if pos != len(b) {
		return fmt.Errorf("%d bytes after the msgpack value", len(b)-pos)
	}
	return nil
}

// scanCode reads what follows the type byte c at b[*pos:]: it advances *pos
// past any length field and returns the number of raw bytes that follow
// (size) or the number of nested values (count). Counts and sizes are
// checked against the remaining bytes by the caller; each value takes at
// least one byte.
func scanCode(b []byte, pos *int, c byte) (size, count int, err error) {
	switch {
	case c <= 0x7f || c >= 0xe0: // fixint
		return 0, 0, nil
	case c <= 0x8f: // fixmap
		return 0, 2 * int(c&0x0f), nil
	case c <= 0x9f: // fixarray
		return 0, int(c & 0x0f), nil
	case c <= 0xbf: // fixstr
		return int(c & 0x1f), 0, nil
	}
	// Fixed-size payloads, and the width of the length field of the others.
	var fixed, lenBytes int
	switch c {
	case 0xc0, 0xc2, 0xc3: // nil, false, true
	case 0xcc, 0xd0: // uint8, int8
		fixed = 1
	case 0xcd, 0xd1, 0xd4: // uint16, int16, fixext1
		fixed = 2
	case 0xd5: // fixext2
		fixed = 3
	case 0xca, 0xce, 0xd2: // float32, uint32, int32
		fixed = 4
	case 0xd6: // fixext4
		fixed = 5
	case 0xcb, 0xcf, 0xd3: // float64, uint64, int64
		fixed = 8
	case 0xd7: // fixext8
		fixed = 9
	case 0xd8: // fixext16
		fixed = 17
	case 0xc4, 0xc7, 0xd9: // bin8, ext8, str8
		lenBytes = 1
	case 0xc5, 0xc8, 0xda, 0xdc, 0xde: // bin16, ext16, str16, array16, map16
		lenBytes = 2
	case 0xc6, 0xc9, 0xdb, 0xdd, 0xdf: // bin32, ext32, str32, array32, map32
		lenBytes = 4
	default: // 0xc1 is never used
		return 0, 0, fmt.Errorf("invalid type byte %#x", c)
	}
	if lenBytes == 0 {
		return fixed, 0, nil
	}
	if len(b)-*pos < lenBytes {
		return 0, 0, fmt.Errorf("length of type %#x cut off", c)
	}
	var n int
	switch lenBytes {
	case 1:
		n = int(b[*pos])
	case 2:
		n = int(binary.BigEndian.Uint16(b[*pos:]))
	case 4:
		n = int(binary.BigEndian.Uint32(b[*pos:]))
	}
	*pos += lenBytes
	switch c {
	case 0xc7, 0xc8, 0xc9: // ext: a type byte, then the data
		return n + 1, 0, nil
	case 0xdc, 0xdd: // array
		return 0, n, nil
	case 0xde, 0xdf: // map
		return 0, 2 * n, nil
	}
	return n, 0, nil
}
