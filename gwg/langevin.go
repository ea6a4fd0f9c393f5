package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/fastmath"
)

func init() {
	for _, r := range []struct {
		name, doc string
		mh        bool
		step      float64
	}{
		{"dula", "discrete unadjusted Langevin: every site flips independently, no MH correction, biased (binary)", false, DefaultDULAStepSize},
		{"dmala", "discrete Langevin with a Metropolis–Hastings correction (binary)", true, DefaultDMALAStepSize},
	} {
		Register(Registration{
			Name: r.name,
			Doc:  r.doc,
			Params: []Param{tauParam,
				{Key: "step", Doc: "step size α: site i flips with probability σ(d̃ᵢ/τ − 1/(2α))", Default: r.step, MinOpen: true}},
			Biased: !r.mh,
			New: func(m ebm.Model, sp Spec) (Kernel, error) {
				if m.Domain().OneHot {
					return nil, fmt.Errorf("needs a binary model, the model is one-hot with %d categories", m.Domain().Categories)
				}
				p := &langevinProposal{d: m.Domain().Sites, invTau: 1 / sp.Float("tau"), shift: 1 / (2 * sp.Float("step"))}
				return NewMH(sp.String(), m, p, r.mh), nil
			},
		})
	}
}

// Default step sizes of DULA and DMALA, the values of Zhang et al.'s RBM
// sampling experiments (their EBM training script also uses 0.1 for dula).
const (
	DefaultDULAStepSize  = 0.1
	DefaultDMALAStepSize = 0.2
)

// langevinProposal is the discrete Langevin proposal of Zhang, Liu and Liu
// (ICML 2022) on binary models: every site flips independently, site i with
// probability σ(lᵢ), lᵢ = d̃ᵢ/τ − 1/(2α), d̃ᵢ = (1 − 2xᵢ)·∂f/∂xᵢ. DULA takes
// every proposal; it is cheap but biased, its stationary distribution is
// only close to the target for small α. DMALA corrects it with a
// Metropolis–Hastings step whose reverse proposal is the same set of flips
// under the probabilities at x′.
type langevinProposal struct {
	d      int
	invTau float64
	shift  float64 // 1/(2α)

	slots
	p       []float64 // 2n×D flip probabilities σ(lᵢ), two rows per chain (see slots)
	logFlip []float64 // 2n×D log σ(lᵢ) − log σ(−lᵢ), the log-odds of flipping: lᵢ itself
	logStay []float64 // 2n, Σᵢ log σ(−lᵢ): log q of flipping nothing
	flips   []int32   // n×D, the first nflip[c] are the sites chain c flips
	nflip   []int32
}

func (s *langevinProposal) Resize(n int) {
	s.slots.resize(n)
	s.p = ensure(s.p, 2*n*s.d)
	s.logFlip = ensure(s.logFlip, 2*n*s.d)
	s.logStay = ensure(s.logStay, 2*n)
	s.flips = ensure(s.flips, n*s.d)
	s.nflip = ensure(s.nflip, n)
}

// Draw draws D uniforms for chain c, one per site.
func (s *langevinProposal) Draw(c int, x, _ []float32, rng *rand.Rand) int {
	d, r := s.d, s.row(Current, c)
	flips := s.flips[c*d : (c+1)*d]
	m := 0
	for i, p := range s.p[r*d : (r+1)*d] {
		if rng.Float64() < p {
			flips[m] = int32(i)
			x[i] = 1 - x[i]
			m++
		}
	}
	s.nflip[c] = int32(m)
	return m
}

// Undo flips the flipped sites back.
func (s *langevinProposal) Undo(c int, x []float32) {
	for _, i := range s.flips[c*s.d : c*s.d+int(s.nflip[c])] {
		x[i] = 1 - x[i]
	}
}

// Moves implements moveEnumerator: every set of flipped sites.
func (s *langevinProposal) Moves() int { return 1 << s.d }

// SetMove implements moveEnumerator: move j flips the sites of the bits of j.
func (s *langevinProposal) SetMove(c, j int, x, _ []float32) int {
	d := s.d
	m := 0
	for i := range d {
		if j&(1<<i) != 0 {
			s.flips[c*d+m] = int32(i)
			x[i] = 1 - x[i]
			m++
		}
	}
	s.nflip[c] = int32(m)
	return m
}

// LogQ: the same flips have log-probability log q(∅) + Σ lᵢ over the
// flipped sites under either slot's probabilities.
func (s *langevinProposal) LogQ(c int) (fwd, rev float64) {
	return s.logq(Current, c), s.logq(Proposed, c)
}

func (s *langevinProposal) logq(k Slot, c int) float64 {
	r := s.row(k, c)
	l := s.logStay[r]
	lf := s.logFlip[r*s.d : (r+1)*s.d]
	for _, i := range s.flips[c*s.d : c*s.d+int(s.nflip[c])] {
		l += lf[i]
	}
	return l
}

// Derive computes the flip probabilities of chain c in slot k from its
// state and gradient.
func (s *langevinProposal) Derive(k Slot, c int, x, g []float32) bool {
	d, r := s.d, s.row(k, c)
	p, lf := s.p[r*d:(r+1)*d], s.logFlip[r*d:(r+1)*d]
	// log q(no flip) = Σᵢ log σ(−lᵢ) = −Σᵢ max(lᵢ, 0) − log Πᵢ (1 + e^{−|lᵢ|}).
	// Every factor of the product lies in [1, 2], so 512 of them stay finite
	// and one logarithm per 512 sites replaces one log1p per site.
	var linear, logProd, bad float64
	prod := 1.0
	for i, xi := range x {
		l := float64(g[i])*s.invTau*float64(1-2*xi) - s.shift
		bad += l * 0 // NaN unless l is finite
		e := fastmath.ExpNonPositive(-math.Abs(l))
		if l >= 0 {
			p[i] = 1 / (1 + e)
			linear += l
		} else {
			p[i] = e / (1 + e)
		}
		prod *= 1 + e
		if i%512 == 511 {
			logProd += math.Log(prod)
			prod = 1
		}
		lf[i] = l
	}
	if bad != 0 {
		return false
	}
	s.logStay[r] = -linear - logProd - math.Log(prod)
	return true
}
