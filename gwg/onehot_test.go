package gwg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

// TestOneHotDrawMatchesLogQ checks the two-level categorical draw (site,
// then category) against the probabilities LogQ puts into the MH ratio:
// frequencies of many draws from one chain's weights, χ² against exp(log q).
// The exactness tests enumerate moves through SetMove and never draw.
func TestOneHotDrawMatchesLogQ(t *testing.T) {
	const sites, k, draws = 4, 3, 200_000
	dom := ebm.Domain{Sites: sites, Categories: k, OneHot: true}
	for _, tc := range []struct {
		name string
		bal  balance
	}{{"gwg", expBalance{}}, {"gwg-barker", barkerBalance{}}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newGWGProposal(dom, 1, false, 0.5, tc.bal)
			if err != nil {
				t.Fatal(err)
			}
			p.Resize(1)
			rng := rand.New(rand.NewPCG(3, 4))
			x, g := make([]float32, dom.Width()), make([]float32, dom.Width())
			for i := range sites {
				x[i*k+rng.IntN(k)] = 1
			}
			for i := range g {
				g[i] = float32(2 * rng.NormFloat64())
			}
			if !p.Derive(Current, 0, x, g) {
				t.Fatal("weights not finite")
			}
			count := make([]int, dom.Width())
			xp := make([]float32, len(x))
			for range draws {
				copy(xp, x)
				p.Draw(0, xp, g, rng)
				count[p.fwd[0]]++
			}
			var chi2, total float64
			df := -1
			for j, n := range count {
				q := math.Exp(p.logqOneHot(0, p.row(Current, 0), p.codes[j/k], j, g))
				total += q
				if q == 0 {
					if n != 0 {
						t.Errorf("move %d has probability 0 but was drawn %d times", j, n)
					}
					continue
				}
				e := q * draws
				chi2 += (float64(n) - e) * (float64(n) - e) / e
				df++
			}
			if math.Abs(total-1) > 1e-12 {
				t.Errorf("probabilities sum to %v", total)
			}
			if chi2 > 45 { // p < 1e-6 on 7 degrees of freedom
				t.Errorf("χ² = %.1f on %d df", chi2, df)
			}
		})
	}
}
