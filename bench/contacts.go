package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/cputime"
	"github.com/gwg-go/gwg/internal/sgemm"
)

// contactMinSep is the smallest |i − j| of a pair scored as a contact, the
// usual cut-off of protein contact prediction (pairs closer in sequence are
// trivially in contact).
const contactMinSep = 6

// ContactProblem draws a protein-like Potts model: d sites with q states,
// fields bᵢ ~ N(0, fieldSigma²), and d random contacts (pairs with
// |i − j| ≥ 6) whose q×q coupling blocks are drawn from N(0, couplingSigma²)
// and brought to the zero-sum gauge; all other couplings are zero.
func ContactProblem(d, q int, fieldSigma, couplingSigma float64, seed uint64) (*Problem, error) {
	if d < 2*contactMinSep || q < 2 {
		return nil, fmt.Errorf("bench: contact problem with %d sites and %d states (need at least %d sites, 2 states)", d, q, 2*contactMinSep)
	}
	rng := rand.New(rand.NewPCG(seed, 0xc0))
	w := d * q
	j := make([]float32, w*w)
	b := make([]float32, w)
	for i := range b {
		b[i] = float32(fieldSigma * rng.NormFloat64())
	}
	contacts := make([]bool, d*d)
	block := make([]float32, q*q)
	for made := 0; made < d; {
		a, c := rng.IntN(d), rng.IntN(d)
		if a > c {
			a, c = c, a
		}
		if c-a < contactMinSep || contacts[a*d+c] {
			continue
		}
		contacts[a*d+c] = true
		made++
		for k := range block {
			block[k] = float32(couplingSigma * rng.NormFloat64())
		}
		g := zeroSumGauge(block, 1, q) // one q×q block
		for s := range q {
			for t := range q {
				j[(a*q+s)*w+c*q+t] = float32(g[s*q+t])
				j[(c*q+t)*w+a*q+s] = float32(g[s*q+t])
			}
		}
	}
	m, err := ebm.NewPairwisePotts(d, q, j, b)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return &Problem{Name: fmt.Sprintf("contact Potts L=%d q=%d seed=%d", d, q, seed), Truth: m, Dom: m.Domain(),
		J: j, Bias: b, Sigma: math.NaN(), Contacts: contacts}, nil
}

// ContactScores turns couplings (W×W with d sites of k values each) into
// the average-product-corrected coupling strengths used to predict
// contacts: Fᵢⱼ is the Frobenius norm of the block Jᵢⱼ in the zero-sum gauge,
// and the score is Fᵢⱼ − FᵢF_j/F, with Fᵢ the mean of row i (j ≠ i) and F
// the mean over all pairs. The result is d×d, symmetric, zero diagonal.
func ContactScores(j []float32, d, k int) []float64 {
	g := zeroSumGauge(j, d, k)
	w := d * k
	f := make([]float64, d*d)
	for i := range d {
		for jj := range d {
			if i == jj {
				continue
			}
			var s float64
			for a := range k {
				for c := range k {
					v := g[(i*k+a)*w+jj*k+c]
					s += v * v
				}
			}
			f[i*d+jj] = math.Sqrt(s)
		}
	}
	return apc(f, d)
}

// apc applies the average-product correction to a symmetric d×d matrix of
// pair scores with a zero diagonal.
func apc(f []float64, d int) []float64 {
	row := make([]float64, d)
	var all float64
	for i := range d {
		for jj := range d {
			if i != jj {
				row[i] += f[i*d+jj] / float64(d-1)
				all += f[i*d+jj] / float64(d*(d-1))
			}
		}
	}
	out := make([]float64, d*d)
	if all == 0 {
		return out
	}
	for i := range d {
		for jj := range d {
			if i != jj {
				out[i*d+jj] = f[i*d+jj] - row[i]*row[jj]/all
			}
		}
	}
	return out
}

// Contact is one scored site pair, I < J.
type Contact struct {
	I, J  int
	Score float64
}

// TopContacts returns the n highest-scoring pairs i < j with j − i ≥
// minSep, best first (ties by position).
func TopContacts(scores []float64, d, minSep, n int) []Contact {
	var all []Contact
	for i := range d {
		for jj := i + minSep; jj < d; jj++ {
			all = append(all, Contact{I: i, J: jj, Score: scores[i*d+jj]})
		}
	}
	slices.SortStableFunc(all, func(a, b Contact) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return all[:min(n, len(all))]
}

// ContactPrecision is the fraction of the top-d pairs (|i − j| ≥ minSep) by
// score that are true contacts (contacts[i·d+j], i < j).
func ContactPrecision(scores []float64, contacts []bool, d, minSep int) float64 {
	top := TopContacts(scores, d, minSep, d)
	if len(top) == 0 {
		return math.NaN()
	}
	hit := 0
	for _, c := range top {
		if contacts[c.I*d+c.J] {
			hit++
		}
	}
	return float64(hit) / float64(len(top))
}

// PLMConfig sets up the pseudo-likelihood baseline. Zero fields take the
// values of Defaults.
type PLMConfig struct {
	Iters   int     // full-batch Adam steps (300)
	LR      float64 // Adam learning rate (0.05)
	LambdaJ float64 // L2 penalty on J per entry, as plmDCA's λ_J (0.01)
	LambdaH float64 // L2 penalty on the fields (0.01)
	// Every is the number of iterations between evaluations (Iters/30).
	Every int
	// Progress, when set, is called after every iteration.
	Progress func(done, total int)
}

// Defaults returns c with every zero field set to its default.
func (c PLMConfig) Defaults() PLMConfig {
	setDefault(&c.Iters, 300)
	if c.LR == 0 {
		c.LR = 0.05
	}
	if c.LambdaJ == 0 {
		c.LambdaJ = 0.01
	}
	if c.LambdaH == 0 {
		c.LambdaH = 0.01
	}
	setDefault(&c.Every, max(1, c.Iters/30))
	return c
}

// PLM fits a fully connected Potts model to one-hot data (n×W, d sites of k
// states) by maximising the symmetric pseudo-likelihood
// Σₙ Σᵢ log p(xᵢ | x₋ᵢ) − λ_J‖J‖² − λ_h‖b‖² with full-batch Adam: the
// plmDCA estimator. The conditional of site i has logits bᵢ + 2Σⱼ Jᵢⱼxⱼ (f
// counts each pair twice). eval, when set, is called with the couplings
// every Every iterations and at the end, with the CPU seconds so far.
func PLM(data []float32, d, k int, cfg PLMConfig, eval func(iter int, cpuSec float64, j []float32)) ([]float32, []float32, error) {
	cfg = cfg.Defaults()
	w := d * k
	if len(data) == 0 || len(data)%w != 0 || k < 2 {
		return nil, nil, fmt.Errorf("bench: PLM on %d values with %d sites × %d states", len(data), d, k)
	}
	n := len(data) / w
	j := make([]float32, w*w)
	b := make([]float32, w)
	logits := make([]float32, n*w)
	resid := make([]float32, n*w) // P − X
	gj := make([]float32, w*w)
	gb := make([]float32, w)
	optJ, optB := newAdam(w*w, cfg.LR), newAdam(w, cfg.LR)
	var cpu time.Duration
	for it := 1; it <= cfg.Iters; it++ {
		c0 := cputime.Now()
		plmGrad(gj, gb, j, b, data, logits, resid, d, k, cfg.LambdaJ, cfg.LambdaH)
		optJ.step(j, gj)
		optB.step(b, gb)
		cpu += cputime.Now() - c0
		if eval != nil && (it%cfg.Every == 0 || it == cfg.Iters) {
			eval(it, cpu.Seconds(), j)
		}
		if cfg.Progress != nil {
			cfg.Progress(it, cfg.Iters)
		}
	}
	return j, b, nil
}

// plmGrad writes into gj and gb the gradient of the negative mean log
// pseudo-likelihood plus the L2 penalties at (j, b), and returns that
// objective. logits and resid are n×W scratch.
func plmGrad(gj, gb, j, b, data, logits, resid []float32, d, k int, lambdaJ, lambdaH float64) float64 {
	w := d * k
	n := len(data) / w
	matmul(logits, data, j, n, w, w) // X·J
	var loss float64
	for row := range n {
		for i := range d {
			lg := logits[row*w+i*k : row*w+(i+1)*k]
			x := data[row*w+i*k : row*w+(i+1)*k]
			mx := math.Inf(-1)
			for a := range lg {
				lg[a] = 2*lg[a] + b[i*k+a]
				mx = max(mx, float64(lg[a]))
			}
			var z float64
			for a := range lg {
				z += math.Exp(float64(lg[a]) - mx)
			}
			for a := range lg {
				lp := float64(lg[a]) - mx - math.Log(z)
				resid[row*w+i*k+a] = float32(math.Exp(lp)) - x[a]
				loss -= float64(x[a]) * lp / float64(n)
			}
		}
	}
	// Moving Jₚq and J_qp together by h moves the logits of p by 2h·x_q and
	// those of q by 2h·xₚ; the gradient per entry is half that derivative,
	// as in couplingGrad.
	gramPair(gj, resid, data, n, w)
	for p := range w {
		for q := p; q < w; q++ {
			var g float32
			if p/k != q/k {
				g = gj[p*w+q] + gj[q*w+p] + float32(2*lambdaJ)*j[p*w+q]
				loss += lambdaJ * 2 * float64(j[p*w+q]) * float64(j[p*w+q])
			}
			gj[p*w+q], gj[q*w+p] = g, g
		}
	}
	for p := range gb {
		gb[p] = float32(2*lambdaH) * b[p]
		loss += lambdaH * float64(b[p]) * float64(b[p])
	}
	for row := range n {
		for p, v := range resid[row*w : (row+1)*w] {
			gb[p] += v / float32(n)
		}
	}
	return loss
}

// matmul sets c (n×w2) to a (n×w) times b (w×w2).
func matmul(c, a, b []float32, n, w, w2 int) {
	if sgemm.Available {
		sgemm.Gemm(false, false, n, w2, w, 1, a, w, b, w2, 0, c, w2)
		return
	}
	clear(c)
	for row := range n {
		cr := c[row*w2 : (row+1)*w2]
		for q, av := range a[row*w : (row+1)*w] {
			if av == 0 {
				continue
			}
			for p, bv := range b[q*w2 : (q+1)*w2] {
				cr[p] += av * bv
			}
		}
	}
}

// gramPair sets c (w×w) to AᵀB/n for two sets of n rows of width w.
func gramPair(c, a, b []float32, n, w int) {
	if sgemm.Available {
		sgemm.Gemm(true, false, w, w, n, 1/float32(n), a, w, b, w, 0, c, w)
		return
	}
	clear(c)
	for row := range n {
		br := b[row*w : (row+1)*w]
		for p, av := range a[row*w : (row+1)*w] {
			if av == 0 {
				continue
			}
			av /= float32(n)
			cp := c[p*w : (p+1)*w]
			for q, bv := range br {
				cp[q] += av * bv
			}
		}
	}
}
