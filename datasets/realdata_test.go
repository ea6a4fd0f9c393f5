package datasets_test

import (
	"math"
	"testing"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/datasets/datasetstest"
)

// These tests read the real files under $GWG_DATA_DIR (see datasetstest).

func TestRealSizesAndValues(t *testing.T) {
	want := map[string][3]int{
		"static_mnist":  {50000, 10000, 10000},
		"dynamic_mnist": {50000, 10000, 10000},
		"omniglot":      {23000, 1345, 8115},
		"caltech":       {4100, 2264, 2307},
		"freyfaces":     {1565, 200, 200},
	}
	for _, name := range datasets.Names() {
		t.Run(name, func(t *testing.T) {
			set := datasetstest.Open(t, name)
			for i, sp := range set.Splits() {
				if sp.Codes != nil {
					checkCodes(t, sp, want[name][i])
					continue
				}
				if sp.N != want[name][i] || len(sp.Images) != sp.N*datasets.Dim || sp.Dataset != name {
					t.Errorf("%s: N = %d (%d values), want %d", sp.Name, sp.N, len(sp.Images), want[name][i])
				}
				dynamic := sp.Name == "train" && (name == "dynamic_mnist" || name == "omniglot")
				if sp.Dynamic != dynamic {
					t.Errorf("%s: Dynamic = %v, want %v", sp.Name, sp.Dynamic, dynamic)
				}
				for _, v := range sp.Images {
					if !(v >= 0 && v <= 1) || !sp.Dynamic && v != 0 && v != 1 {
						t.Fatalf("%s: value %v", sp.Name, v)
					}
				}
			}
		})
	}
}

func TestRealStaticMNIST(t *testing.T) {
	set := datasetstest.Open(t, "static_mnist")
	if m := meanOf(set.Mean()); math.Abs(m-0.13) > 0.01 {
		t.Errorf("training pixel mean %.4f, want about 0.13", m)
	}
	// The test split is MNIST's test set sorted by label: its first 980
	// images are zeros, then 1,135 ones, ..., its last 1,009 nines.
	ones := set.Test.Images[980*datasets.Dim : 2115*datasets.Dim]
	tall, wide := 0, 0
	for i := range len(ones) / datasets.Dim {
		r, c := inkExtent(ones[i*datasets.Dim : (i+1)*datasets.Dim])
		if r > c {
			tall++
		} else {
			wide++
		}
	}
	if tall < 10*wide {
		t.Errorf("ones: %d tall, %d wide; the images look transposed", tall, wide)
	}
	// Sevens (images 6,989..8,016) carry their bar on top, sixes (6,031..6,988)
	// their loop at the bottom.
	top7, bottom7 := inkProfile(set.Test.Images[6989*datasets.Dim : 8017*datasets.Dim])
	top6, bottom6 := inkProfile(set.Test.Images[6031*datasets.Dim : 6989*datasets.Dim])
	if top7 < 1.1*bottom7 || bottom6 < 1.1*top6 {
		t.Errorf("ink top/bottom: sevens %.0f/%.0f, sixes %.0f/%.0f; the images look upside down", top7, bottom7, top6, bottom6)
	}
	checkBorders(t, set.Test, 0.05)
}

func TestRealCaltech(t *testing.T) {
	set := datasetstest.Open(t, "caltech")
	// Object = 1: silhouettes sit in the middle, the border is background.
	checkBorders(t, set.Test, 0.2)
	// Objects stand on the ground: more ink below the middle than above,
	// while left and right balance (a transposed set would swap the two).
	top, bottom, left, right := inkHalves(set.Train)
	if bottom < 1.05*top || math.Abs(left-right) > (bottom-top)/2 {
		t.Errorf("ink top %.0f bottom %.0f left %.0f right %.0f; orientation looks wrong", top, bottom, left, right)
	}
}

func TestRealOmniglot(t *testing.T) {
	set := datasetstest.Open(t, "omniglot")
	// Pen strokes cover a small part of the page.
	for _, sp := range set.Splits() {
		if m := meanOf(meanImage(sp)); m < 0.04 || m > 0.2 {
			t.Errorf("%s: ink fraction %.3f, want between 0.04 and 0.2", sp.Name, m)
		}
	}
	checkBorders(t, set.Test, 0.05)
	// Characters are written with more ink in their upper half; top-bottom
	// imbalance exceeds left-right imbalance (so the images are not
	// transposed or flipped).
	top, bottom, left, right := inkHalves(set.Test)
	if top < 1.1*bottom || math.Abs(left-right) > (top-bottom)/2 {
		t.Errorf("ink top %.0f bottom %.0f left %.0f right %.0f; orientation looks wrong", top, bottom, left, right)
	}
}

func meanOf(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func meanImage(sp *datasets.Split) []float32 {
	set := datasets.Set{Train: sp}
	return set.Mean()
}

// checkBorders checks that the outermost pixel ring carries little ink.
func checkBorders(t *testing.T, sp *datasets.Split, max float64) {
	t.Helper()
	m := meanImage(sp)
	var border, n float64
	for r := range datasets.Side {
		for c := range datasets.Side {
			if r == 0 || c == 0 || r == datasets.Side-1 || c == datasets.Side-1 {
				border += float64(m[r*datasets.Side+c])
				n++
			}
		}
	}
	if border/n > max {
		t.Errorf("%s/%s: mean border value %.3f, want at most %.2f (is ink = 1?)", sp.Dataset, sp.Name, border/n, max)
	}
}

func inkHalves(sp *datasets.Split) (top, bottom, left, right float64) {
	m := meanImage(sp)
	h := datasets.Side / 2
	for r := range datasets.Side {
		for c := range datasets.Side {
			v := float64(m[r*datasets.Side+c])
			if r < h {
				top += v
			} else {
				bottom += v
			}
			if c < h {
				left += v
			} else {
				right += v
			}
		}
	}
	return
}

func inkProfile(images []float32) (top, bottom float64) {
	for k, v := range images {
		if k%datasets.Dim < datasets.Dim/2 {
			top += float64(v)
		} else {
			bottom += float64(v)
		}
	}
	return
}

func inkExtent(im []float32) (rows, cols int) {
	for r := range datasets.Side {
		for c := range datasets.Side {
			if im[r*datasets.Side+c] > 0.5 {
				rows++
				break
			}
		}
	}
	for c := range datasets.Side {
		for r := range datasets.Side {
			if im[r*datasets.Side+c] > 0.5 {
				cols++
				break
			}
		}
	}
	return rows, cols
}

// BenchmarkOpen measures the load time of each data set from its files.
func BenchmarkOpen(b *testing.B) {
	dir := datasetstest.DataDir(b)
	for _, name := range datasets.Names() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := datasets.Open(name, dir); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// checkCodes checks the size and codes of a categorical split.
func checkCodes(t *testing.T, sp *datasets.Split, n int) {
	t.Helper()
	if sp.N != n || len(sp.Codes) != sp.N*sp.Shape.Sites() || sp.Images != nil {
		t.Errorf("%s: N = %d (%d codes), want %d", sp.Name, sp.N, len(sp.Codes), n)
	}
	for _, c := range sp.Codes {
		if int(c) >= sp.Shape.Categories {
			t.Fatalf("%s: code %d of %d categories", sp.Name, c, sp.Shape.Categories)
		}
	}
}

func TestRealFreyFaces(t *testing.T) {
	set := datasetstest.Open(t, "freyfaces")
	if set.Test.Shape != datasets.FreyShape {
		t.Errorf("shape %+v", set.Test.Shape)
	}
	// The README's range of gray levels, 8..238, over all 1,965 faces; the
	// faces are upright: the darkest row on average (the eyes) lies in the
	// top third, under a bright forehead.
	lo, hi := 255, 0
	var rowSum [28]float64
	for _, sp := range set.Splits() {
		for i, c := range sp.Codes {
			lo, hi = min(lo, int(c)), max(hi, int(c))
			rowSum[i%560/20] += float64(c)
		}
	}
	if lo != 8 || hi != 238 {
		t.Errorf("gray levels %d..%d, want 8..238", lo, hi)
	}
	darkest := 0
	for r := range rowSum {
		if rowSum[r] < rowSum[darkest] {
			darkest = r
		}
	}
	if darkest < 3 || darkest >= 28/3 || rowSum[0] < 1.3*rowSum[darkest] {
		t.Errorf("darkest row %d (row sums %.0f); the faces look upside down or transposed", darkest, rowSum)
	}
}

// TestRealDescribe: the files of the data directory have known checksums,
// so Describe trusts them without reading them.
func TestRealDescribe(t *testing.T) {
	dir := datasetstest.DataDir(t)
	for _, name := range datasets.Names() {
		info, err := datasets.Describe(name, dir)
		if err != nil || !info.Ready || !info.Verified || info.Problem != "" {
			t.Errorf("%s: %+v, %v", name, info, err)
		}
	}
}
