package bench

import (
	"slices"
	"strings"
	"testing"
)

func TestReadAlignment(t *testing.T) {
	in := ">seq1 first\nAC-D\nef\n\n>seq2\nA..cC\n-X\n"
	a, err := ReadAlignment(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// seq1: A C - D (e, f are insertions); seq2: A C - and X as a gap.
	want := [][]uint8{{1, 2, 0, 3}, {1, 2, 0, 0}}
	if !slices.EqualFunc(a.Codes, want, slices.Equal) {
		t.Errorf("codes %v, want %v", a.Codes, want)
	}
	if a.Names[0] != "seq1 first" || a.Names[1] != "seq2" {
		t.Errorf("names %q", a.Names)
	}
	x := a.OneHot()
	if len(x) != 2*4*21 || x[0*21+1] != 1 || x[2*21+0] != 1 {
		t.Errorf("one-hot encoding wrong")
	}
}

func TestReadAlignmentErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "no sequences"},
		{"no header", "ACD\n", "before the first"},
		{"ragged", ">a\nACD\n>b\nAC\n", "2 match columns"},
		{"bad character", ">a\nAC1\n", "line 2, column 3"},
		{"only inserts", ">a\nacd\n", "no match columns"},
	} {
		_, err := ReadAlignment(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.name, err, tc.want)
		}
	}
}

func FuzzReadAlignment(f *testing.F) {
	for _, s := range []string{">a\nACD\n>b\nA-E\n", ">x\nac.DE\n", "", ">a\n\n", ">a\nAC\n>b\nACD\n", ">a b c\nXBZ-\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ReadAlignment(strings.NewReader(in))
		if err != nil {
			return
		}
		l := a.Len()
		if l == 0 || len(a.Names) != len(a.Codes) {
			t.Fatalf("alignment with %d columns, %d names, %d sequences", l, len(a.Names), len(a.Codes))
		}
		for _, row := range a.Codes {
			if len(row) != l {
				t.Fatalf("ragged alignment accepted")
			}
			for _, c := range row {
				if int(c) >= len(ProteinAlphabet) {
					t.Fatalf("state %d outside the alphabet", c)
				}
			}
		}
		if x := a.OneHot(); len(x) != len(a.Codes)*l*len(ProteinAlphabet) {
			t.Fatalf("one-hot of %d values", len(x))
		}
	})
}
