package ebm

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/gwg-go/gwg/internal/bernoulli"
	"github.com/gwg-go/gwg/internal/fastmath"
	"github.com/gwg-go/gwg/internal/parallel"
)

// MaxExactHidden is the largest hidden layer for which RBM.LogZ sums over
// all 2^H hidden states.
const MaxExactHidden = 20

// RBM is a binary restricted Boltzmann machine seen through its visible
// units: the hidden units are summed out, leaving
//
//	f(v) = v·b_v + Σⱼ softplus((Wv + b_h)ⱼ),
//	∇ᵥf = b_v + Wᵀσ(Wv + b_h).
//
// The batched products go through gonum's blas32, so whatever implementation
// blas32.Use installs (OpenBLAS under the project's build tag) runs them: one
// GEMM for f, two for f and ∇f, 4·n·D·H flops in all. Parameters and the
// GEMM results are float32; the sums over hidden units that make up f, and
// everything in FlipDeltas and LogZ, are accumulated in float64.
//
// The model keeps scratch buffers, grown to the largest batch seen, so that
// calls allocate nothing in the steady state. An RBM is therefore not safe
// for concurrent use.
type RBM struct {
	D, H int       // visible and hidden units
	W    []float32 // H×D, row-major: W[j·D+i] couples hidden j to visible i
	Bv   []float32 // visible biases, D
	Bh   []float32 // hidden biases, H

	act  []float32 // n×H pre-activations, then probabilities
	prod []float64 // D running products in FlipDeltas
	col  []float64 // 2×H, e^{±Wⱼᵢ} − 1 for the column colSite in SiteDeltas
	cols []float64 // 3×b×H weight columns of a block and their factors, FlipSetDeltas
	pre  []float64 // 2×H, σ(a) of a chain and a candidate's work row, FlipSetDeltas
	expW []float64 // H×D, e^W − 1
	expD []float64 // H×D, (e^−W − 1) − (e^W − 1)
	// n×H, exp(−|a|) of the pre-activations in LogProbGrad
	expAct []float32

	clone bool // products on the calling goroutine (see Clone)
}

// Clone implements Cloner: the clone shares W and the biases and keeps
// scratch of its own.
func (m *RBM) Clone() Model { return &RBM{D: m.D, H: m.H, W: m.W, Bv: m.Bv, Bh: m.Bh, clone: true} }

// NewRBM returns an RBM with D visible and H hidden units and all parameters
// zero.
func NewRBM(visible, hidden int) (*RBM, error) {
	if visible <= 0 || hidden <= 0 {
		return nil, fmt.Errorf("ebm: RBM with %d visible and %d hidden units", visible, hidden)
	}
	return &RBM{
		D: visible, H: hidden,
		W:  make([]float32, hidden*visible),
		Bv: make([]float32, visible),
		Bh: make([]float32, hidden),
	}, nil
}

// NewRandomRBM returns the paper's random test RBM: W ~ N(0, 0.05), where
// 0.05 is the variance (the reference code scales standard normals by
// √0.05 ≈ 0.224), and b_v, b_h ~ N(0, 1). The paper uses 100 × 25.
func NewRandomRBM(visible, hidden int, rng *rand.Rand) (*RBM, error) {
	m, err := NewRBM(visible, hidden)
	if err != nil {
		return nil, err
	}
	sd := math.Sqrt(0.05)
	for k := range m.W {
		m.W[k] = float32(sd * rng.NormFloat64())
	}
	for i := range m.Bv {
		m.Bv[i] = float32(rng.NormFloat64())
	}
	for j := range m.Bh {
		m.Bh[j] = float32(rng.NormFloat64())
	}
	return m, nil
}

// Domain reports D binary sites.
func (m *RBM) Domain() Domain { return Domain{Sites: m.D, Categories: 2} }

// check reports whether the exported fields still agree with D and H.
func (m *RBM) check() error {
	if m.D <= 0 || m.H <= 0 || len(m.W) != m.H*m.D || len(m.Bv) != m.D || len(m.Bh) != m.H {
		return fmt.Errorf("ebm: RBM %d×%d has %d weights, %d visible and %d hidden biases", m.D, m.H, len(m.W), len(m.Bv), len(m.Bh))
	}
	return nil
}

// LogProb writes f(v) of each chain into f.
func (m *RBM) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(v) into f and, when grad is not nil, ∇ᵥf into grad.
func (m *RBM) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := m.batch(f, grad, x)
	if err != nil || n == 0 {
		return err
	}
	act := m.hiddenPre(x, n)
	d, h := m.D, m.H
	// e = exp(−|a|) of every pre-activation in one vector pass.
	m.expAct = grow(m.expAct, len(act))
	for k, a := range act {
		m.expAct[k] = math.Float32frombits(math.Float32bits(a) | 1<<31)
	}
	fastmath.Exp32(m.expAct, m.expAct)
	for c := range n {
		f[c] = dot64(x[c*d:(c+1)*d], m.Bv) + softplusRow(act[c*h:(c+1)*h], m.expAct[c*h:(c+1)*h])
	}
	if grad == nil {
		return nil
	}
	for c := range n {
		copy(grad[c*d:(c+1)*d], m.Bv)
	}
	m.gemm(blas.NoTrans, m.general(act, n, h), m.weights(), m.general(grad, n, d))
	return nil
}

// flipFastMaxWeight is the largest |Wⱼᵢ| for which FlipDeltas and
// SiteDeltas use their product form; beyond it the factors lose relative
// precision.
const flipFastMaxWeight = 20

// FlipDeltas writes f(flipᵢ v) − f(v) for every chain and visible unit of
// the binary states in x.
//
// Flipping vᵢ by δ = 1 − 2vᵢ moves every pre-activation aⱼ by δWⱼᵢ, and
// softplus(a + w) − softplus(a) = log(1 + σ(a)(eʷ − 1)). So
//
//	Δᵢ = δbᵥᵢ + log Πⱼ (1 + σ(aⱼ)(e^{δWⱼᵢ} − 1)):
//
// one GEMM, then n·D·H multiply-adds in float64 and one logarithm per chunk
// of 600/max|W| hidden units (each factor lies between 1 and e^{δWⱼᵢ}, so
// the running products stay finite), rather than D separate evaluations.
// Weights beyond ±20 fall back to a softplus per term.
func (m *RBM) FlipDeltas(delta []float64, x []float32) error {
	if err := m.check(); err != nil {
		return err
	}
	d, h := m.D, m.H
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("ebm: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	n := len(x) / d
	if n == 0 {
		return nil
	}
	act := m.hiddenPre(x, n)
	for c := range n {
		for i, v := range x[c*d : (c+1)*d] {
			delta[c*d+i] = (1 - 2*float64(v)) * float64(m.Bv[i])
		}
	}
	var wmax float64
	for _, w := range m.W {
		wmax = max(wmax, math.Abs(float64(w)))
	}
	if wmax > flipFastMaxWeight {
		m.flipDeltasDirect(delta, x, act, n)
		return nil
	}
	m.expW = grow(m.expW, h*d)
	m.expD = grow(m.expD, h*d)
	m.prod = grow(m.prod, d)
	for k, w := range m.W {
		up := math.Expm1(float64(w))
		m.expW[k] = up
		m.expD[k] = -up/(1+up) - up // e^−w − 1 = −(eʷ − 1)/eʷ
	}
	chunk := h
	if wmax > 0 {
		chunk = min(h, int(600/wmax))
	}
	for c := range n {
		xc := x[c*d : (c+1)*d]
		out := delta[c*d : (c+1)*d]
		for j0 := 0; j0 < h; j0 += chunk {
			prod := m.prod[:d]
			for i := range prod {
				prod[i] = 1
			}
			for j := j0; j < min(j0+chunk, h); j++ {
				s := bernoulli.Sigmoid(float64(act[c*h+j]))
				up := m.expW[j*d : (j+1)*d]
				diff := m.expD[j*d : (j+1)*d]
				for i, v := range xc {
					prod[i] *= 1 + s*(up[i]+float64(v)*diff[i])
				}
			}
			for i, p := range prod {
				out[i] += math.Log(p)
			}
		}
	}
	return nil
}

// flipDeltasDirect adds Σⱼ softplus(aⱼ + δWⱼᵢ) − softplus(aⱼ) to delta term
// by term, for weights too large for the product form.
func (m *RBM) flipDeltasDirect(delta []float64, x, act []float32, n int) {
	d, h := m.D, m.H
	for c := range n {
		for j := range h {
			a := float64(act[c*h+j])
			base := bernoulli.Softplus(a)
			for i, w := range m.W[j*d : (j+1)*d] {
				step := 1 - 2*float64(x[c*d+i])
				delta[c*d+i] += bernoulli.Softplus(a+step*float64(w)) - base
			}
		}
	}
}

// SiteDeltas writes f(v with unit sites[c] set to a) − f(v) for a = 0, 1
// into delta[2c+a]: one GEMM for the pre-activations, then O(H) per chain
// (see shiftedSoftplus). The factors e^{±Wⱼᵢ} − 1 of a column are computed
// once for a run of chains at the same site, as in a sequential scan.
func (m *RBM) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if err := m.check(); err != nil {
		return err
	}
	n, err := CheckSites(m.Domain(), delta, x, sites)
	if err != nil || n == 0 {
		return err
	}
	d, h := m.D, m.H
	act := m.hiddenPre(x, n)
	m.col = grow(m.col, 2*h)
	colSite := -1
	for c, i := range sites {
		if i != colSite {
			m.columnFactors(i)
			colSite = i
		}
		v := float64(x[c*d+i])
		for a := range 2 {
			step := float64(a) - v
			delta[2*c+a] = step*float64(m.Bv[i]) + m.shiftedSoftplus(act[c*h:(c+1)*h], i, step)
		}
	}
	return nil
}

// columnFactors fills m.col with e^{Wⱼᵢ} − 1 (first H) and e^{−Wⱼᵢ} − 1
// (last H) for visible unit i.
func (m *RBM) columnFactors(i int) {
	h := m.H
	for j := range h {
		// e^{−|w|} − 1 directly, e^{|w|} − 1 = 1/e^{−|w|} − 1: with the fast
		// exponential both are right to 1e-16 absolute, which is what the
		// factors 1 + σ·(eʷ − 1) need.
		w := float64(m.W[j*m.D+i])
		e := fastmath.ExpNonPositive(-math.Abs(w))
		up, down := 1/e-1, e-1
		if w < 0 {
			up, down = down, up
		}
		m.col[j], m.col[h+j] = up, down
	}
}

// shiftedSoftplus is Σⱼ softplus(aⱼ + step·Wⱼᵢ) − softplus(aⱼ) for the
// pre-activations a of one chain. For step = ±1, the binary states samplers
// visit, it is the log of the product of the ratios 1 + σ(aⱼ)(e^{step·Wⱼᵢ}
// − 1), with the factors from columnFactors(i) in m.col: one exponential a
// term, and a logarithm only when the product nears the float64 range.
// Other steps (relaxed states), and terms with |Wⱼᵢ| > flipFastMaxWeight,
// where the ratio loses relative precision, are taken as softplus
// differences.
func (m *RBM) shiftedSoftplus(act []float32, i int, step float64) float64 {
	h := m.H
	var col []float64
	switch step {
	case 0:
		return 0
	case 1:
		col = m.col[:h]
	case -1:
		col = m.col[h : 2*h]
	default:
		var s float64
		for j, a := range act {
			s += bernoulli.Softplus(float64(a)+step*float64(m.W[j*m.D+i])) - bernoulli.Softplus(float64(a))
		}
		return s
	}
	col = col[:len(act)]
	var s float64
	prod := 1.0
	for j, a := range act {
		if w := float64(m.W[j*m.D+i]); math.Abs(w) > flipFastMaxWeight {
			s += bernoulli.Softplus(float64(a)+step*w) - bernoulli.Softplus(float64(a))
			continue
		}
		prod *= 1 + logistic(float64(a))*col[j]
		if prod > 1e200 || prod < 1e-200 {
			s += math.Log(prod)
			prod = 1
		}
	}
	return s + math.Log(prod)
}

// FlipSetDeltas writes f(x′) − f(x) for the states x′ a few flips away
// from x that masks and block describe (see ebm.FlipSetDeltaer). One GEMM
// gives the pre-activations a of x. Flipping the sites of a set S moves
// them by δ = Σ_{t∈S} stepₜ·W·,ₜ, and as in SiteDeltas
//
//	Σⱼ softplus(aⱼ + δⱼ) − softplus(aⱼ) = log Πⱼ (1 + σ(aⱼ)(e^{δⱼ} − 1)),
//
// where e^{δ} − 1 is built from the factors e^{±Wⱼₜ} − 1 of the block's
// columns. Those are computed once for a run of chains with the same block
// (hb-b-h and bg-b give all chains the same one), so a candidate costs
// O(|S|·H) multiply-adds and no exponential. Sets whose flips could move a
// pre-activation by more than flipFastMaxWeight, and relaxed states, take
// the softplus sums of the shifted pre-activations instead. Sums are in
// float64.
func (m *RBM) FlipSetDeltas(delta []float64, x []float32, block []int32, masks []uint32) error {
	if err := m.check(); err != nil {
		return err
	}
	n, b, nm, err := CheckFlipSets(m.Domain(), delta, x, block, masks)
	if err != nil {
		return err
	}
	d, h := m.D, m.H
	act := m.hiddenPre(x, n)
	m.cols = grow(m.cols, 3*b*h)
	m.pre = grow(m.pre, 2*h)
	sig, work := m.pre[:h], m.pre[h:2*h]
	var prev []int32
	var wmax float64
	for c := range n {
		blk := block[c*b : (c+1)*b]
		if prev == nil || !slices.Equal(blk, prev) {
			wmax = m.blockFactors(blk)
			prev = blk
		}
		xc, a := x[c*d:(c+1)*d], act[c*h:(c+1)*h]
		for j, v := range a {
			sig[j] = logistic(float64(v))
		}
		base := math.NaN() // Σ softplus(a), once a set needs it
		for k, mask := range masks[c*nm : (c+1)*nm] {
			var dv float64
			binary := true
			for rest := mask; rest != 0; rest &= rest - 1 {
				site := blk[bits.TrailingZeros32(rest)]
				v := xc[site]
				dv += (1 - 2*float64(v)) * float64(m.Bv[site])
				binary = binary && (v == 0 || v == 1)
			}
			switch {
			case mask == 0:
				delta[c*nm+k] = 0
			case binary && float64(bits.OnesCount32(mask))*wmax <= flipFastMaxWeight:
				delta[c*nm+k] = dv + m.ratioSum(sig, work, xc, blk, mask)
			default:
				if math.IsNaN(base) {
					base = softplusSum(a)
				}
				for j, v := range a {
					work[j] = float64(v)
				}
				for rest := mask; rest != 0; rest &= rest - 1 {
					t := bits.TrailingZeros32(rest)
					step := 1 - 2*float64(xc[blk[t]])
					for j, w := range m.cols[t*h : (t+1)*h] {
						work[j] += step * w
					}
				}
				delta[c*nm+k] = dv + softplusSum(work) - base
			}
		}
	}
	return nil
}

// blockFactors fills m.cols with the weight columns of the block's sites
// (b×H), then e^{Wⱼₜ} − 1 (b×H), then e^{−Wⱼₜ} − 1 (b×H), and returns the
// largest |Wⱼₜ|. As in columnFactors, both factors come from one fast
// exponential, right to 1e-16 absolute.
func (m *RBM) blockFactors(blk []int32) float64 {
	b, h := len(blk), m.H
	var wmax float64
	for t, site := range blk {
		for j := range h {
			w := float64(m.W[j*m.D+int(site)])
			e := fastmath.ExpNonPositive(-math.Abs(w))
			up, down := 1/e-1, e-1
			if w < 0 {
				up, down = down, up
			}
			m.cols[t*h+j], m.cols[(b+t)*h+j], m.cols[(2*b+t)*h+j] = w, up, down
			wmax = max(wmax, math.Abs(w))
		}
	}
	return wmax
}

// ratioSum is Σⱼ softplus(aⱼ + δⱼ) − softplus(aⱼ) for the flips of mask at
// the binary state xc, given sig = σ(a) and the factors of blockFactors:
// it builds e^{δ} − 1 in work, multiplying in one site's e^{±W} at a time
// as (1 + p)(1 + q) − 1 = p + q + pq, and returns log Πⱼ (1 + σⱼ(e^{δⱼ} −
// 1)), taking a logarithm whenever the product nears the float64 range.
func (m *RBM) ratioSum(sig, work []float64, xc []float32, blk []int32, mask uint32) float64 {
	b, h := len(blk), m.H
	first := true
	for rest := mask; rest != 0; rest &= rest - 1 {
		t := bits.TrailingZeros32(rest)
		off := (b + t) * h // e^{W} − 1: the site goes from 0 to 1
		if xc[blk[t]] == 1 {
			off = (2*b + t) * h
		}
		f := m.cols[off : off+h]
		f = f[:len(work)]
		if first {
			copy(work, f)
			first = false
			continue
		}
		for j, q := range f {
			p := work[j]
			work[j] = p + q + p*q
		}
	}
	var s float64
	prod := 1.0
	sig = sig[:len(work)]
	for j, u := range work {
		prod *= 1 + sig[j]*u
		if prod > 1e200 || prod < 1e-200 {
			s += math.Log(prod)
			prod = 1
		}
	}
	return s + math.Log(prod)
}

// HiddenProbs writes p(hⱼ = 1 | v) = σ((Wv + b_h)ⱼ) into p (n×H) for the
// n = len(v)/D chains in v.
func (m *RBM) HiddenProbs(p []float32, v []float32) error {
	if err := m.condShapes("hidden", len(p), m.H, len(v), m.D); err != nil {
		return err
	}
	n := len(v) / m.D
	if n == 0 {
		return nil
	}
	for c := range n {
		copy(p[c*m.H:(c+1)*m.H], m.Bh)
	}
	m.gemm(blas.Trans, m.general(v, n, m.D), m.weights(), m.general(p, n, m.H))
	sigmoidInPlace(p)
	return nil
}

// VisibleProbs writes p(vᵢ = 1 | h) = σ((Wᵀh + b_v)ᵢ) into p (n×D) for the
// n = len(h)/H chains in h.
func (m *RBM) VisibleProbs(p []float32, h []float32) error {
	if err := m.condShapes("visible", len(p), m.D, len(h), m.H); err != nil {
		return err
	}
	n := len(h) / m.H
	if n == 0 {
		return nil
	}
	for c := range n {
		copy(p[c*m.D:(c+1)*m.D], m.Bv)
	}
	m.gemm(blas.NoTrans, m.general(h, n, m.H), m.weights(), m.general(p, n, m.D))
	sigmoidInPlace(p)
	return nil
}

// SampleHidden draws h ~ p(h | v) for each chain: the first half of a block
// Gibbs step.
func (m *RBM) SampleHidden(h []float32, v []float32, rng *rand.Rand) error {
	if err := m.HiddenProbs(h, v); err != nil {
		return err
	}
	for k, p := range h {
		h[k] = bernoulli.Draw(float64(p), rng)
	}
	return nil
}

// SampleVisible draws v ~ p(v | h) for each chain: the second half of a
// block Gibbs step.
func (m *RBM) SampleVisible(v []float32, h []float32, rng *rand.Rand) error {
	if err := m.VisibleProbs(v, h); err != nil {
		return err
	}
	for k, p := range v {
		v[k] = bernoulli.Draw(float64(p), rng)
	}
	return nil
}

// LogZ is the exact log normaliser log Σᵥ exp f(v), found by summing over the
// hidden layer instead:
//
//	log Z = log Σₕ exp(b_h·h + Σᵢ softplus(b_v,ᵢ + (Wᵀh)ᵢ)).
//
// The 2^H hidden states are visited in Gray-code order, so each costs one
// row update and D softplus evaluations, all in float64. It refuses H
// greater than MaxExactHidden.
func (m *RBM) LogZ() (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if m.H > MaxExactHidden {
		return 0, fmt.Errorf("ebm: exact log Z of an RBM with %d hidden units; at most %d", m.H, MaxExactHidden)
	}
	d := m.D
	a := make([]float64, d) // b_v + Wᵀh
	for i := range a {
		a[i] = float64(m.Bv[i])
	}
	h := make([]bool, m.H)
	var bh float64 // b_h·h
	// Streaming log-sum-exp: acc = Σ exp(term − top).
	top, acc := math.Inf(-1), 0.0
	for k := 0; ; k++ {
		term := bh + softplusSum(a)
		if term > top {
			acc = acc*math.Exp(top-term) + 1
			top = term
		} else {
			acc += math.Exp(term - top)
		}
		if k+1 == 1<<m.H {
			break
		}
		j := bits.TrailingZeros(uint(k + 1)) // the bit that changes in Gray code
		sign := 1.0
		if h[j] {
			sign = -1
		}
		h[j] = !h[j]
		bh += sign * float64(m.Bh[j])
		for i, w := range m.W[j*d : (j+1)*d] {
			a[i] += sign * float64(w)
		}
	}
	return top + math.Log(acc), nil
}

// batch validates a LogProbGrad call and returns the number of chains.
func (m *RBM) batch(f []float64, grad, x []float32) (int, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	return CheckBatch(m.Domain(), f, grad, x)
}

// condShapes validates the buffers of a conditional: out holds n×outW values
// for the n = in/inW chains of the input.
func (m *RBM) condShapes(what string, out, outW, in, inW int) error {
	if err := m.check(); err != nil {
		return err
	}
	if in%inW != 0 || out != in/inW*outW {
		return fmt.Errorf("ebm: RBM %s conditional for %d input values into %d, want n×%d into n×%d", what, in, out, inW, outW)
	}
	return nil
}

// hiddenPre returns the scratch n×H matrix of pre-activations Wv + b_h.
func (m *RBM) hiddenPre(x []float32, n int) []float32 {
	m.act = grow(m.act, n*m.H)
	act := m.act[:n*m.H]
	for c := range n {
		copy(act[c*m.H:(c+1)*m.H], m.Bh)
	}
	m.gemm(blas.Trans, m.general(x, n, m.D), m.weights(), m.general(act, n, m.H))
	return act
}

// smallGemm is the number of multiply-adds below which gemm runs a product
// on the calling goroutine: it is then cheaper than starting workers, and
// nothing is allocated (the samplers' steps on small RBMs allocate nothing).
const smallGemm = 1 << 20

// gemm computes C = A·op(B) + C for row-major operands through blas32. A
// large product is cut into one block of rows per processor (except in a
// clone, which runs on the calling goroutine); every row of
// C is computed by the same operations whatever the blocks (see
// internal/blas), so the results do not depend on the number of processors.
func (m *RBM) gemm(tB blas.Transpose, a, b, c blas32.General) {
	if a.Rows*a.Cols*c.Cols < smallGemm || m.clone {
		blas32.Gemm(blas.NoTrans, tB, 1, a, b, 1, c)
		return
	}
	gemmRows(tB, a, b, c)
}

// gemmRows is gemm over row blocks on every processor; a function of its own
// so that the serial path does not allocate the closure.
func gemmRows(tB blas.Transpose, a, b, c blas32.General) {
	parts := parallel.Workers(a.Rows)
	parallel.Each(parts, func(_, i int) {
		lo, hi := parallel.Split(a.Rows, parts, i)
		blas32.Gemm(blas.NoTrans, tB, 1,
			blas32.General{Rows: hi - lo, Cols: a.Cols, Stride: a.Stride, Data: a.Data[lo*a.Stride:]}, b, 1,
			blas32.General{Rows: hi - lo, Cols: c.Cols, Stride: c.Stride, Data: c.Data[lo*c.Stride:]})
	})
}

func (m *RBM) weights() blas32.General { return m.general(m.W, m.H, m.D) }

func (m *RBM) general(data []float32, rows, cols int) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

// softplusRow replaces each pre-activation a in row by σ(a) and returns
// Σ softplus(a) in float64, given e = exp(−|a|) of each in ex:
// softplus(a) = max(a, 0) + log(1 + e) and σ(a) is 1/(1 + e) or e/(1 + e),
// so one exponential serves both; and Σ log(1 + e) is taken as the log of a
// product, one logarithm per 512 units (each factor lies in (1, 2], so the
// product stays below 2⁵¹²). The float32 exponential (fastmath.Exp32, a
// vector pass over the whole batch) leaves an absolute error near 1e-7 per
// unit, as small as the float32 rounding of a itself.
func softplusRow(row, ex []float32) float64 {
	var s float64
	ex = ex[:len(row)]
	for j0 := 0; j0 < len(row); j0 += 512 {
		prod := 1.0
		for j, a := range row[j0:min(j0+512, len(row))] {
			e := ex[j0+j]
			s += float64(max(a, 0))
			prod *= 1 + float64(e)
			num := e
			if a >= 0 {
				num = 1
			}
			row[j0+j] = num / (1 + e)
		}
		s += math.Log(prod)
	}
	return s
}

// dot64 is x·y accumulated in float64, in four running sums so that the
// additions do not wait on each other.
func dot64(x, y []float32) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(x); i += 4 {
		s0 += float64(x[i]) * float64(y[i])
		s1 += float64(x[i+1]) * float64(y[i+1])
		s2 += float64(x[i+2]) * float64(y[i+2])
		s3 += float64(x[i+3]) * float64(y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// softplusSum is Σ softplus(aᵢ), with the logarithms batched as in
// softplusRow.
func softplusSum[T float32 | float64](a []T) float64 {
	var s float64
	prod := 1.0
	for i, v := range a {
		v := float64(v)
		s += max(v, 0)
		prod *= 1 + fastmath.ExpNonPositive(-math.Abs(v))
		if i%512 == 511 {
			s += math.Log(prod)
			prod = 1
		}
	}
	return s + math.Log(prod)
}

func sigmoidInPlace(p []float32) {
	for k, a := range p {
		p[k] = float32(logistic(float64(a)))
	}
}

// logistic is σ(a) = 1/(1 + e⁻ᵃ) through the fast exponential, with the
// same relative accuracy (1e-13).
func logistic(a float64) float64 {
	e := fastmath.ExpNonPositive(-math.Abs(a))
	if a >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// grow returns buf with length at least n, reallocating only when its
// capacity is too small.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}
