package ebm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refFunc is a straightforward float64 implementation of a model's f on one
// relaxed state, written independently of the model's batched code.
type refFunc func(x []float64) float64

// randomStates returns n chains of random states of dom: exact binary or
// one-hot states when relaxed is false, otherwise values uniform in [0, 1).
func randomStates(dom Domain, n int, relaxed bool, rng *rand.Rand) []float32 {
	w := dom.Width()
	x := make([]float32, n*w)
	for k := range x {
		if relaxed {
			x[k] = rng.Float32()
		}
	}
	if relaxed {
		return x
	}
	for c := range n {
		for i := range dom.Sites {
			if dom.OneHot {
				x[c*w+i*dom.Categories+rng.IntN(dom.Categories)] = 1
			} else {
				x[c*w+i] = float32(rng.IntN(2))
			}
		}
	}
	return x
}

func widen(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*(1+math.Abs(want))
}

// checkModel compares m's LogProb and LogProbGrad with ref on n chains at
// both exact and relaxed states, and its gradient with central finite
// differences of ref in float64. tol is relative to 1 + |reference|.
func checkModel(t *testing.T, m Model, ref refFunc, n int, tol float64, rng *rand.Rand) {
	t.Helper()
	dom := m.Domain()
	w := dom.Width()
	for _, relaxed := range []bool{false, true} {
		x := randomStates(dom, n, relaxed, rng)
		f := make([]float64, n)
		fg := make([]float64, n)
		grad := make([]float32, n*w)
		if err := m.LogProb(f, x); err != nil {
			t.Fatal(err)
		}
		if err := m.LogProbGrad(fg, grad, x); err != nil {
			t.Fatal(err)
		}
		const h = 1e-4
		for c := range n {
			xc := widen(x[c*w : (c+1)*w])
			want := ref(xc)
			if !near(f[c], want, tol) || !near(fg[c], want, tol) {
				t.Fatalf("relaxed=%v chain %d: LogProb %v, LogProbGrad %v, reference %v", relaxed, c, f[c], fg[c], want)
			}
			for k := range w {
				v := xc[k]
				xc[k] = v + h
				up := ref(xc)
				xc[k] = v - h
				down := ref(xc)
				xc[k] = v
				fd := (up - down) / (2 * h)
				if got := float64(grad[c*w+k]); !near(got, fd, tol) {
					t.Fatalf("relaxed=%v chain %d coordinate %d: gradient %v, finite difference %v", relaxed, c, k, got, fd)
				}
			}
		}
	}
}

// checkFlipDeltas compares FlipDeltas with differences of LogProb between
// each binary state and the state with one site flipped.
func checkFlipDeltas(t *testing.T, m Model, n int, tol float64, rng *rand.Rand) {
	t.Helper()
	fd, ok := m.(FlipDeltaer)
	if !ok {
		t.Fatalf("%T does not implement FlipDeltaer", m)
	}
	d := m.Domain().Sites
	x := randomStates(m.Domain(), n, false, rng)
	delta := make([]float64, n*d)
	if err := fd.FlipDeltas(delta, x); err != nil {
		t.Fatal(err)
	}
	f0 := make([]float64, n)
	if err := m.LogProb(f0, x); err != nil {
		t.Fatal(err)
	}
	f1 := make([]float64, n)
	for i := range d {
		y := append([]float32(nil), x...)
		for c := range n {
			y[c*d+i] = 1 - y[c*d+i]
		}
		if err := m.LogProb(f1, y); err != nil {
			t.Fatal(err)
		}
		for c := range n {
			if want := f1[c] - f0[c]; !near(delta[c*d+i], want, tol) {
				t.Fatalf("chain %d site %d: flip delta %v, LogProb difference %v", c, i, delta[c*d+i], want)
			}
		}
	}
	if err := fd.FlipDeltas(delta[1:], x); err == nil {
		t.Error("FlipDeltas accepted a short delta buffer")
	}
}

// checkShapes asserts that mis-sized buffers are errors, not panics.
func checkShapes(t *testing.T, m Model) {
	t.Helper()
	w := m.Domain().Width()
	cases := []struct {
		name string
		f    []float64
		grad []float32
		x    []float32
	}{
		{"short state", make([]float64, 2), nil, make([]float32, 2*w-1)},
		{"long state", make([]float64, 1), nil, make([]float32, 2*w)},
		{"short gradient", make([]float64, 2), make([]float32, w), make([]float32, 2*w)},
	}
	for _, tc := range cases {
		if err := m.LogProbGrad(tc.f, tc.grad, tc.x); err == nil {
			t.Errorf("%s: LogProbGrad returned no error", tc.name)
		}
		if tc.grad == nil {
			if err := m.LogProb(tc.f, tc.x); err == nil {
				t.Errorf("%s: LogProb returned no error", tc.name)
			}
		}
	}
}

// checkSiteDeltas compares SiteDeltas, for a random site per chain at both
// exact and relaxed states, with differences of LogProb between the state
// and the state with that site set to each value.
func checkSiteDeltas(t *testing.T, m Model, n int, tol float64, rng *rand.Rand) {
	t.Helper()
	sd, ok := m.(SiteDeltaer)
	if !ok {
		t.Fatalf("%T does not implement SiteDeltaer", m)
	}
	dom := m.Domain()
	w, k := dom.Width(), dom.Categories
	for _, relaxed := range []bool{false, true} {
		x := randomStates(dom, n, relaxed, rng)
		sites := make([]int, n)
		for c := range sites {
			sites[c] = rng.IntN(dom.Sites)
		}
		sites[0] = 0
		sites[n-1] = dom.Sites - 1
		delta := make([]float64, n*k)
		if err := sd.SiteDeltas(delta, x, sites); err != nil {
			t.Fatal(err)
		}
		f0 := make([]float64, n)
		if err := m.LogProb(f0, x); err != nil {
			t.Fatal(err)
		}
		f1 := make([]float64, n)
		for a := range k {
			y := append([]float32(nil), x...)
			for c, i := range sites {
				if dom.OneHot {
					clear(y[c*w+i*k : c*w+(i+1)*k])
					y[c*w+i*k+a] = 1
				} else {
					y[c*w+i] = float32(a)
				}
			}
			if err := m.LogProb(f1, y); err != nil {
				t.Fatal(err)
			}
			for c := range n {
				if want := f1[c] - f0[c]; !near(delta[c*k+a], want, tol) {
					t.Fatalf("relaxed=%v chain %d site %d value %d: delta %v, LogProb difference %v", relaxed, c, sites[c], a, delta[c*k+a], want)
				}
			}
		}
		if err := sd.SiteDeltas(delta[1:], x, sites); err == nil {
			t.Error("SiteDeltas accepted a short delta buffer")
		}
		sites[0] = dom.Sites
		if err := sd.SiteDeltas(delta, x, sites); err == nil {
			t.Error("SiteDeltas accepted a site out of range")
		}
	}
}
