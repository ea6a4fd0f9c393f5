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
)

// PottsConfig sets up the lattice Potts sampling benchmark, the categorical
// counterpart of the Ising one. Zero fields take the values of Defaults.
type PottsConfig struct {
	Sizes    []int     // lattice sides L, D = L² (10, 20, 40)
	States   int       // categories K (3)
	Sigmas   []float64 // coupling strengths σ (0.1, 0.25)
	Samplers []string  // categorical gwg and the Gibbs samplers
	Chains   int       // 100
	Steps    int       // 5,000
	Block    int       // steps per round-robin turn (10)
	BurnIn   float64   // fraction of chain 0's trace dropped before ESS (0.1)
	Seed     uint64
	Progress func(done, total int)
}

// PottsSamplers are the samplers that run on one-hot models.
var PottsSamplers = []string{"gwg", "gibbs", "rand-gibbs"}

// Defaults returns c with every zero field set to its default.
func (c PottsConfig) Defaults() PottsConfig {
	latticeDefaults(&c.Sizes, &c.Sigmas)
	setDefault(&c.States, 3)
	setDefaultList(&c.Samplers, PottsSamplers)
	chainDefaults(&c.Chains, &c.Steps, &c.BurnIn)
	setDefault(&c.Block, 10)
	return c
}

// PottsRow is the outcome of one sampler on one lattice.
type PottsRow struct {
	L     int
	Sigma float64
	Mixing
	// LogMSE is the median over chains of log₁₀ of the mean over sites and
	// categories of (p̂ − 1/K)², p̂ the chain's running frequency of the
	// category: 1/K is exact by the symmetry of the zero-field model.
	LogMSE float64
}

// PottsResult is the outcome of RunPotts.
type PottsResult struct {
	Config PottsConfig
	Rows   []PottsRow
}

// RunPotts runs every sampler on the zero-field periodic lattice Potts model
// of every size and coupling, from uniformly random states.
func RunPotts(cfg PottsConfig) (*PottsResult, error) {
	cfg = cfg.Defaults()
	if cfg.Chains < 1 || cfg.Steps < 1 || cfg.Block < 1 || cfg.BurnIn < 0 || cfg.BurnIn >= 1 || cfg.States < 2 {
		return nil, fmt.Errorf("bench: bad Potts settings: %d chains, %d steps, block %d, burn-in %v, %d states",
			cfg.Chains, cfg.Steps, cfg.Block, cfg.BurnIn, cfg.States)
	}
	total := len(cfg.Sizes) * len(cfg.Sigmas) * len(cfg.Samplers) * cfg.Steps
	tick := ticker(cfg.Progress, total, 1)
	res := &PottsResult{Config: cfg}
	for k, l := range cfg.Sizes {
		for j, sigma := range cfg.Sigmas {
			m, err := ebm.NewLatticePotts(l, cfg.States, sigma, 0)
			if err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			seed := cfg.Seed + uint64(k*len(cfg.Sigmas)+j)
			x := uniformStates(m.Domain(), cfg.Chains, rand.New(rand.NewPCG(seed, 0)))
			lanes, err := newLanes(cfg.Samplers, m, x, seed, cfg.Steps)
			if err != nil {
				return nil, fmt.Errorf("bench: Potts L=%d σ=%v: %w", l, sigma, err)
			}
			w := m.Domain().Width()
			sums, err := interleaveSums(lanes, cfg.Chains*w, cfg.Steps, cfg.Block, tick)
			if err != nil {
				return nil, fmt.Errorf("bench: Potts L=%d σ=%v: %w", l, sigma, err)
			}
			for _, ln := range lanes {
				mx, err := mixing(ln, cfg.BurnIn)
				if err != nil {
					return nil, fmt.Errorf("bench: Potts L=%d σ=%v, %s: %w", l, sigma, ln.name, err)
				}
				res.Rows = append(res.Rows, PottsRow{L: l, Sigma: sigma, Mixing: mx,
					LogMSE: frequencyLogMSE(sums[ln], cfg.Chains, w, ln.steps, 1/float64(cfg.States))})
			}
		}
	}
	return res, nil
}

// frequencyLogMSE is the median over chains of log₁₀ of the mean squared
// difference between the per-value running averages and their exact mean.
func frequencyLogMSE(sums []float64, chains, w, steps int, exact float64) float64 {
	logs := make([]float64, chains)
	for c := range chains {
		var se float64
		for _, s := range sums[c*w : (c+1)*w] {
			d := s/float64(steps) - exact
			se += d * d
		}
		logs[c] = math.Log10(se / float64(w))
	}
	return median(logs)
}

func (row PottsRow) essPerStep(c PottsConfig) float64 {
	return row.ESSMean / float64(c.Steps-int(c.BurnIn*float64(c.Steps)))
}

// WriteTable prints the summary table of the Potts benchmark.
func (r *PottsResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "L\tD\tσ\tsampler\tESS\tESS/step\tESS/s\tms/step\taccept\tlog10 MSE\t\n")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%d\t%d\t%g\t%s\t%.1f\t%.4f\t%.4g\t%.3f\t%.3f\t%.3f\t\n", row.L, row.L*row.L, row.Sigma, row.Sampler,
			row.ESSMean, row.essPerStep(r.Config), row.ESSPerSec, 1e3*row.StepSec, row.AcceptRate, row.LogMSE)
	}
	return tw.Flush()
}

// WriteFiles writes prefix-summary.csv and, per σ, plots of ESS per step
// and per second against the dimension into dir.
func (r *PottsResult) WriteFiles(dir, prefix string) error {
	rows := [][]string{{"L", "D", "K", "sigma", "sampler", "ess_mean", "ess_median", "ess_per_step", "ess_per_s",
		"s_per_step", "wall_s", "accept", "hops", "log10_mse_frequencies"}}
	for _, row := range r.Rows {
		rows = append(rows, []string{strconv.Itoa(row.L), strconv.Itoa(row.L * row.L), strconv.Itoa(r.Config.States), ftoa(row.Sigma),
			row.Sampler, ftoa(row.ESSMean), ftoa(row.ESSMedian), ftoa(row.essPerStep(r.Config)), ftoa(row.ESSPerSec),
			ftoa(row.StepSec), ftoa(row.WallSec), ftoa(row.AcceptRate), ftoa(row.MeanHops), ftoa(row.LogMSE)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	metrics := []latticeMetric[PottsRow]{
		{"ess-per-step", "log10 ESS per step", func(row PottsRow) float64 { return math.Log10(row.essPerStep(r.Config)) }},
		{"ess-per-second", "log10 ESS per second", func(row PottsRow) float64 { return math.Log10(row.ESSPerSec) }},
	}
	return plotLattice(dir, prefix, r.Config.Sigmas, r.Config.Samplers, r.Rows, metrics,
		func(row PottsRow) (int, float64, string) { return row.L, row.Sigma, row.Sampler },
		func(sigma float64) string {
			return fmt.Sprintf("lattice Potts, K = %d, σ = %g", r.Config.States, sigma)
		})
}
