package bench

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// FHMMConfig sets up the factorial-HMM posterior benchmark, the reference's
// fhmm_sample.py protocol. Zero fields take the values of Defaults.
type FHMMConfig struct {
	Model    ebm.FHMMConfig // the reference's defaults: 10 chains × 100 steps, noise 0.5
	Samplers []string       // sampler specs
	Chains   int            // 100
	Steps    int            // 5,000
	Every    int            // steps between evaluations (10)
	Block    int            // steps per sampler per round-robin turn (10)
	// RefSweeps is the length of each of the two long reference runs of
	// sequential Gibbs, in sweeps of all T·C latents (200).
	RefSweeps int
	BurnIn    float64 // fraction of chain 0's trace dropped before ESS (0.1)
	Seed      uint64
	Progress  func(done, total int)
}

// FHMMSamplers are the reference's samplers (bg-1 as gibbs) plus dmala.
var FHMMSamplers = []string{"gibbs", "bg-2", "hb-10-1", "gwg", "gwg-3", "gwg-5", "dmala"}

// Defaults returns c with every zero field set to its default.
func (c FHMMConfig) Defaults() FHMMConfig {
	if c.Model == (ebm.FHMMConfig{}) {
		c.Model = ebm.DefaultFHMMConfig()
	}
	setDefaultList(&c.Samplers, FHMMSamplers)
	chainDefaults(&c.Chains, &c.Steps, &c.BurnIn)
	setDefault(&c.Every, 10)
	setDefault(&c.Block, 10)
	setDefault(&c.RefSweeps, 200)
	return c
}

// FHMMCurve is one sampler's posterior-marginal error over time.
type FHMMCurve struct {
	Mixing
	Steps   []int
	Seconds []float64
	// LogRMSE is log₁₀ RMSE between the marginals p(x_{t,c} = 1 | y)
	// estimated from all chains over the last half of the steps so far and
	// the reference marginals.
	LogRMSE []float64
	// Hamming is the mean fraction of latents where the chains' current
	// states differ from the true hidden states (the reference's metric).
	Hamming []float64
}

// FHMMResult is the outcome of RunFHMM.
type FHMMResult struct {
	Config FHMMConfig
	Curves []FHMMCurve
	// Floor is log₁₀ of the RMSE between the two independent reference
	// runs' marginals over √2, the error of one such run: errors below it
	// cannot be read.
	Floor float64
	// TruthHamming is the expected Hamming error of an exact posterior
	// sample, Σ|p_ref − x_true|/D: the level Hamming curves settle at.
	TruthHamming float64
}

// RunFHMM draws a factorial HMM and an observation sequence as the
// reference does, computes reference posterior marginals by two long runs of
// sequential Gibbs, and runs every sampler from the same prior draws.
func RunFHMM(cfg FHMMConfig) (*FHMMResult, error) {
	cfg = cfg.Defaults()
	if cfg.Chains < 1 || cfg.Steps < 2 || cfg.Every < 1 || cfg.Block < 1 || cfg.RefSweeps < 2 {
		return nil, fmt.Errorf("bench: bad FHMM settings: %d chains, %d steps, every %d, block %d, %d reference sweeps",
			cfg.Chains, cfg.Steps, cfg.Every, cfg.Block, cfg.RefSweeps)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xf4))
	m, truth, err := ebm.GenerateFHMM(cfg.Model, rng)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	d := m.Domain().Sites
	refSteps := cfg.RefSweeps * d
	total := 2*refSteps + len(cfg.Samplers)*cfg.Steps
	tick := ticker(cfg.Progress, total, 100)
	x0 := make([]float32, cfg.Chains*d)
	if err := m.SamplePrior(x0, rng); err != nil {
		return nil, err
	}
	refA, err := fhmmReference(m, x0, refSteps, cfg.Seed+1, tick)
	if err != nil {
		return nil, err
	}
	// The second reference run starts from its own prior draws, so that the
	// two agree only if both forgot where they started.
	x1 := make([]float32, len(x0))
	if err := m.SamplePrior(x1, rng); err != nil {
		return nil, err
	}
	refB, err := fhmmReference(m, x1, refSteps, cfg.Seed+2, tick)
	if err != nil {
		return nil, err
	}
	ref := make([]float64, d)
	for i := range ref {
		ref[i] = (refA[i] + refB[i]) / 2
	}
	res := &FHMMResult{Config: cfg, Floor: math.Log10(rmse(refA, refB) / math.Sqrt2)}
	for i, p := range ref {
		res.TruthHamming += math.Abs(p-float64(truth[i])) / float64(d)
	}
	lanes, err := newLanes(cfg.Samplers, m, x0, cfg.Seed, cfg.Steps)
	if err != nil {
		return nil, fmt.Errorf("bench: FHMM: %w", err)
	}
	evals := cfg.Steps / cfg.Every
	type track struct {
		sum     []float64   // running per-latent sums over chains and steps
		history [][]float64 // sum after every evaluation
		curve   *FHMMCurve
	}
	tracks := make(map[*lane]*track, len(lanes))
	curves := make([]FHMMCurve, len(lanes))
	for k, l := range lanes {
		tracks[l] = &track{sum: make([]float64, d), history: make([][]float64, 0, evals), curve: &curves[k]}
	}
	est := make([]float64, d)
	observe := func(l *lane) error {
		tr := tracks[l]
		x := l.s.State()
		for c := range cfg.Chains {
			for i, v := range x[c*d : (c+1)*d] {
				tr.sum[i] += float64(v)
			}
		}
		if l.steps%cfg.Every != 0 {
			return nil
		}
		tr.history = append(tr.history, append([]float64(nil), tr.sum...))
		// Marginals over steps (t/2, t]: the first half is burn-in.
		e := len(tr.history)
		var half []float64
		if h := e / 2; h > 0 {
			half = tr.history[h-1]
		}
		from := (e / 2) * cfg.Every
		n := float64(cfg.Chains * (l.steps - from))
		for i := range est {
			s := tr.sum[i]
			if half != nil {
				s -= half[i]
			}
			est[i] = s / n
		}
		var ham float64
		for i, v := range x {
			if v != truth[i%d] {
				ham++
			}
		}
		tr.curve.Steps = append(tr.curve.Steps, l.steps)
		tr.curve.LogRMSE = append(tr.curve.LogRMSE, math.Log10(rmse(est, ref)))
		tr.curve.Hamming = append(tr.curve.Hamming, ham/float64(len(x)))
		return nil
	}
	if err := interleave(lanes, cfg.Steps, cfg.Block, observe, tick); err != nil {
		return nil, fmt.Errorf("bench: FHMM: %w", err)
	}
	for k, l := range lanes {
		mx, err := mixing(l, cfg.BurnIn)
		if err != nil {
			return nil, fmt.Errorf("bench: FHMM, %s: %w", l.name, err)
		}
		c := &curves[k]
		c.Mixing = mx
		c.Seconds = make([]float64, len(c.Steps))
		for i, s := range c.Steps {
			c.Seconds[i] = mx.StepSec * float64(s)
		}
	}
	res.Curves = curves
	return res, nil
}

// fhmmReference runs sequential Gibbs from x0 for steps steps and returns
// the posterior marginals estimated over the second half.
func fhmmReference(m *ebm.FHMM, x0 []float32, steps int, seed uint64, tick func()) ([]float64, error) {
	s, err := gwg.New("gibbs", m)
	if err != nil {
		return nil, err
	}
	if err := s.Init(x0); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xfe))
	d := m.Domain().Sites
	sum := make([]float64, d)
	kept := 0
	for t := range steps {
		if err := s.Step(rng); err != nil {
			return nil, fmt.Errorf("bench: FHMM reference: %w", err)
		}
		tick()
		// Sample once per sweep over the second half.
		if t >= steps/2 && (t+1)%d == 0 {
			x := s.State()
			for c := range len(x) / d {
				for i, v := range x[c*d : (c+1)*d] {
					sum[i] += float64(v)
				}
			}
			kept += len(x) / d
		}
	}
	for i := range sum {
		sum[i] /= float64(kept)
	}
	return sum, nil
}

func rmse(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// At returns the last log₁₀ RMSE measured within sec seconds.
func (c FHMMCurve) At(sec float64) float64 {
	v := math.NaN()
	for i, s := range c.Seconds {
		if s > sec {
			break
		}
		v = c.LogRMSE[i]
	}
	return v
}

// EqualTime is the shortest total time of any sampler.
func (r *FHMMResult) EqualTime() float64 {
	t := math.Inf(1)
	for _, c := range r.Curves {
		t = min(t, c.Seconds[len(c.Seconds)-1])
	}
	return t
}

// WriteTable prints the summary table of the FHMM benchmark.
func (r *FHMMResult) WriteTable(w io.Writer) error {
	eq := r.EqualTime()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "sampler\tlog10 RMSE end\t@ %.3gs\tHamming end\tESS\tESS/s\tms/step\taccept\thops\t\n", eq)
	for _, c := range r.Curves {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.4f\t%.1f\t%.4g\t%.3f\t%.3f\t%.3f\t\n", c.Sampler, last(c.LogRMSE), c.At(eq),
			last(c.Hamming), c.ESSMean, c.ESSPerSec, 1e3*c.StepSec, c.AcceptRate, c.MeanHops)
	}
	fmt.Fprintf(tw, "floor\t%.3f\t\t%.4f\t\t\t\t\t\t\n", r.Floor, r.TruthHamming)
	return tw.Flush()
}

// WriteFiles writes prefix-curves.csv, prefix-summary.csv and plots of the
// marginal error against steps and seconds into dir.
func (r *FHMMResult) WriteFiles(dir, prefix string) error {
	rows := [][]string{{"sampler", "step", "seconds", "log10_rmse_marginals", "hamming_to_truth"}}
	for _, c := range r.Curves {
		for i := range c.Steps {
			rows = append(rows, []string{c.Sampler, strconv.Itoa(c.Steps[i]), ftoa(c.Seconds[i]), ftoa(c.LogRMSE[i]), ftoa(c.Hamming[i])})
		}
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-curves.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"sampler", "log10_rmse_end", "log10_rmse_floor", "hamming_end", "ess_mean", "ess_per_s", "s_per_step", "accept", "hops"}}
	for _, c := range r.Curves {
		rows = append(rows, []string{c.Sampler, ftoa(last(c.LogRMSE)), ftoa(r.Floor), ftoa(last(c.Hamming)), ftoa(c.ESSMean),
			ftoa(c.ESSPerSec), ftoa(c.StepSec), ftoa(c.AcceptRate), ftoa(c.MeanHops)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	title := fmt.Sprintf("factorial HMM posterior, %d chains × %d steps", r.Config.Model.Chains, r.Config.Model.Steps)
	curves := make([]timedCurve, len(r.Curves))
	for i, c := range r.Curves {
		curves[i] = timedCurve{c.Sampler, c.Steps, c.Seconds, c.LogRMSE}
	}
	return plotTimedCurves(filepath.Join(dir, prefix+"-rmse-"), title, "log10 RMSE of the posterior marginals", r.Floor, curves)
}
