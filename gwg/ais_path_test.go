package gwg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

// randomBase is a product base with random means, so that the base term of
// a tempered model is not constant.
func randomBase(t *testing.T, dom ebm.Domain, rng *rand.Rand) Base {
	t.Helper()
	mean := make([]float32, dom.Width())
	for k := range mean {
		mean[k] = 0.05 + 0.9*rng.Float32()
	}
	b, err := NewBase(dom, mean)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTemperedModel checks f_β, ∇f_β and every delta the tempered model
// offers against direct evaluations of the model and the base.
func TestTemperedModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, tc := range aisTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			dom := tc.model.Domain()
			w, n := dom.Width(), 5
			base := randomBase(t, dom, rng)
			path, err := NewTempered(tc.model, base)
			if err != nil {
				t.Fatal(err)
			}
			const beta = 0.37
			if err := path.SetBeta(beta); err != nil {
				t.Fatal(err)
			}
			tm := path.Model()
			x := make([]float32, n*w)
			if err := base.Sample(x, rng); err != nil {
				t.Fatal(err)
			}
			f, g := make([]float64, n), make([]float32, n*w)
			fm, gm := make([]float64, n), make([]float32, n*w)
			f0, g0 := make([]float64, n), make([]float32, n*w)
			if err := tm.LogProbGrad(f, g, x); err != nil {
				t.Fatal(err)
			}
			if err := tc.model.LogProbGrad(fm, gm, x); err != nil {
				t.Fatal(err)
			}
			if err := base.LogProbGrad(f0, g0, x); err != nil {
				t.Fatal(err)
			}
			for c := range f {
				if want := beta*fm[c] + (1-beta)*f0[c]; math.Abs(f[c]-want) > 1e-9*(1+math.Abs(want)) {
					t.Errorf("f_β of chain %d = %v, want %v", c, f[c], want)
				}
			}
			for k := range g {
				if want := beta*float64(gm[k]) + (1-beta)*float64(g0[k]); math.Abs(float64(g[k])-want) > 1e-5*(1+math.Abs(want)) {
					t.Errorf("∇f_β[%d] = %v, want %v", k, g[k], want)
				}
			}

			// Every change of one site, evaluated directly.
			direct := func(c, i, a int) float64 {
				y := append([]float32(nil), x[c*w:(c+1)*w]...)
				if dom.OneHot {
					clear(y[i*dom.Categories : (i+1)*dom.Categories])
					y[i*dom.Categories+a] = 1
				} else {
					y[i] = float32(a)
				}
				fy := make([]float64, 1)
				if err := path.LogProb(fy, y); err != nil {
					t.Fatal(err)
				}
				return fy[0] - f[c]
			}
			checked := 0
			if fd, ok := tm.(ebm.FlipDeltaer); ok {
				checked++
				delta := make([]float64, n*w)
				if err := fd.FlipDeltas(delta, x); err != nil {
					t.Fatal(err)
				}
				for c := range n {
					for i := range dom.Sites {
						want := direct(c, i, 1-int(x[c*w+i]))
						if math.Abs(delta[c*w+i]-want) > 1e-6*(1+math.Abs(want)) {
							t.Errorf("flip delta of chain %d, site %d = %v, want %v", c, i, delta[c*w+i], want)
						}
					}
				}
			}
			if sd, ok := tm.(ebm.SiteDeltaer); ok {
				checked++
				k := dom.Categories
				sites := make([]int, n)
				for c := range sites {
					sites[c] = rng.IntN(dom.Sites)
				}
				delta := make([]float64, n*k)
				if err := sd.SiteDeltas(delta, x, sites); err != nil {
					t.Fatal(err)
				}
				for c, i := range sites {
					for a := range k {
						want := direct(c, i, a)
						if math.Abs(delta[c*k+a]-want) > 1e-6*(1+math.Abs(want)) {
							t.Errorf("site delta of chain %d, site %d, value %d = %v, want %v", c, i, a, delta[c*k+a], want)
						}
					}
				}
			}
			t.Logf("%d delta interfaces checked", checked)
		})
	}
}

func TestTemperedBadInput(t *testing.T) {
	tc := aisTargets(t)[1]
	if _, err := NewTempered(tc.model, uniformBernoulli(t, 3)); err == nil {
		t.Error("base of another domain accepted")
	}
	if _, err := NewTempered(nil, tc.base); err == nil {
		t.Error("nil model accepted")
	}
	path, err := NewTempered(tc.model, tc.base)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []float64{-0.1, 1.5, math.NaN()} {
		if err := path.SetBeta(b); err == nil {
			t.Errorf("β = %v accepted", b)
		}
	}
}
