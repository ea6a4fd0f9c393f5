package bench

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ProteinAlphabet is the state order of alignments read by ReadAlignment:
// state 0 is the gap, then the 20 amino acids in alphabetical order of
// their one-letter codes; q = 21.
const ProteinAlphabet = "-ACDEFGHIKLMNPQRSTVWY"

// Alignment is a multiple sequence alignment as integer codes: N sequences
// of L match columns, each residue a state in ProteinAlphabet.
type Alignment struct {
	Names []string
	Codes [][]uint8 // N rows of L states
}

// Len is the number of match columns L.
func (a *Alignment) Len() int {
	if len(a.Codes) == 0 {
		return 0
	}
	return len(a.Codes[0])
}

// OneHot returns the alignment as one-hot states (N × L·21 values), the
// layout of a Potts model's domain.
func (a *Alignment) OneHot() []float32 {
	q, l := len(ProteinAlphabet), a.Len()
	x := make([]float32, len(a.Codes)*l*q)
	for n, row := range a.Codes {
		for i, c := range row {
			x[(n*l+i)*q+int(c)] = 1
		}
	}
	return x
}

// ReadAlignment reads an aligned FASTA or A2M file: records start with a
// '>' header line, followed by sequence lines. Upper-case letters and '-'
// are match columns; lower-case letters and '.' are A2M insertions and are
// dropped, so a plain aligned FASTA (upper case and '-' only) reads the
// same. The letters B, J, O, U, X and Z (ambiguous or rare residues) become
// gaps. Blank lines and white space are ignored. Every sequence must have
// the same number of match columns.
func ReadAlignment(r io.Reader) (*Alignment, error) {
	var code [256]int8
	for i := range code {
		code[i] = -1
	}
	for s, c := range []byte(ProteinAlphabet) {
		code[c] = int8(s)
	}
	for _, c := range []byte("BJOUXZ") {
		code[c] = 0
	}
	a := &Alignment{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	line := 0
	var cur []uint8
	started := false
	finish := func() error {
		if !started {
			return nil
		}
		if len(cur) == 0 {
			return fmt.Errorf("bench: alignment: sequence %q has no match columns", a.Names[len(a.Names)-1])
		}
		if len(a.Codes) > 0 && len(cur) != len(a.Codes[0]) {
			return fmt.Errorf("bench: alignment: sequence %q has %d match columns, the first has %d", a.Names[len(a.Names)-1], len(cur), len(a.Codes[0]))
		}
		a.Codes = append(a.Codes, cur)
		cur = nil
		return nil
	}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if text[0] == '>' {
			if err := finish(); err != nil {
				return nil, err
			}
			a.Names = append(a.Names, strings.TrimSpace(text[1:]))
			started = true
			continue
		}
		if !started {
			return nil, fmt.Errorf("bench: alignment line %d: sequence before the first '>' header", line)
		}
		for col := range len(text) {
			c := text[col]
			switch {
			case c == '.' || (c >= 'a' && c <= 'z'):
				continue // an A2M insertion
			case c == ' ' || c == '\t':
				continue
			case code[c] < 0:
				return nil, fmt.Errorf("bench: alignment line %d, column %d: unexpected character %q", line, col+1, c)
			}
			cur = append(cur, uint8(code[c]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bench: alignment line %d: %w", line+1, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if len(a.Codes) == 0 {
		return nil, fmt.Errorf("bench: alignment has no sequences")
	}
	return a, nil
}
