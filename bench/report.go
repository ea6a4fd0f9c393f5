package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/gwg-go/gwg/internal/charts"
)

// EqualTime is the time budget at which RBM samplers are compared: the
// shortest total time of the samplers other than the ground-truth one, which
// is the structure-aware reference rather than a competitor.
func (r *RBMResult) EqualTime() float64 {
	t := math.Inf(1)
	for _, c := range r.Curves {
		if c.Sampler != r.Config.TruthSampler {
			t = min(t, c.Seconds[len(c.Seconds)-1])
		}
	}
	if math.IsInf(t, 1) && len(r.Curves) > 0 {
		t = r.Curves[0].Seconds[len(r.Curves[0].Seconds)-1]
	}
	return t
}

// At returns the last log₁₀ MMD of the curve measured within sec seconds.
func (c MMDCurve) At(sec float64) float64 {
	v := c.LogMMD[0]
	for i, s := range c.Seconds {
		if s > sec {
			break
		}
		v = c.LogMMD[i]
	}
	return v
}

// WriteTable prints the summary table of the RBM benchmark.
func (r *RBMResult) WriteTable(w io.Writer) error {
	eq := r.EqualTime()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "sampler\tlog10 MMD end\t@ %.3gs\tESS\tESS/s\tESS/eval\tms/step\tevals/step\taccept\thops\t\n", eq)
	for k, c := range r.Curves {
		m := r.Mixing[k]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.1f\t%.4g\t%s\t%.3f\t%.3g\t%.3f\t%.3f\t\n",
			c.Sampler, c.Final(), c.At(eq), m.ESSMean, m.ESSPerSec, cell("%.3g", m.ESSPerEval),
			1e3*m.StepSec, m.EvalsPerStep, m.AcceptRate, m.MeanHops)
	}
	fmt.Fprintf(tw, "floor\t%.3f\t\t\t\t\t\t\t\t\t\n", r.Floor)
	return tw.Flush()
}

// WriteFiles writes prefix-mmd.csv (every MMD measurement), prefix-summary.csv
// and the plots prefix-mmd-steps.png and prefix-mmd-seconds.png into dir.
func (r *RBMResult) WriteFiles(dir, prefix, title string) error {
	rows := [][]string{{"sampler", "step", "seconds", "log10_mmd"}}
	for _, c := range r.Curves {
		for i := range c.Steps {
			rows = append(rows, []string{c.Sampler, strconv.Itoa(c.Steps[i]), ftoa(c.Seconds[i]), ftoa(c.LogMMD[i])})
		}
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-mmd.csv"), rows); err != nil {
		return err
	}
	eq := r.EqualTime()
	rows = [][]string{{"sampler", "log10_mmd_end", "log10_mmd_equal_time", "equal_time_s", "log10_mmd_floor",
		"ess_mean", "ess_median", "ess_per_s", "ess_per_eval", "s_per_step", "wall_s", "evals_per_step", "accept", "hops"}}
	for k, c := range r.Curves {
		m := r.Mixing[k]
		rows = append(rows, []string{c.Sampler, ftoa(c.Final()), ftoa(c.At(eq)), ftoa(eq), ftoa(r.Floor),
			ftoa(m.ESSMean), ftoa(m.ESSMedian), ftoa(m.ESSPerSec), ftoa(m.ESSPerEval), ftoa(m.StepSec),
			ftoa(m.WallSec), ftoa(m.EvalsPerStep), ftoa(m.AcceptRate), ftoa(m.MeanHops)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	curves := make([]timedCurve, len(r.Curves))
	for i, c := range r.Curves {
		curves[i] = timedCurve{c.Sampler, c.Steps, c.Seconds, c.LogMMD}
	}
	return plotTimedCurves(filepath.Join(dir, prefix+"-mmd-"), title, "log10 MMD", r.Floor, curves)
}

// timedCurve is one sampler's error y measured at the given steps, with
// the seconds those steps took.
type timedCurve struct {
	name    string
	steps   []int
	seconds []float64
	y       []float64
}

// plotTimedCurves plots the curves against steps and against seconds, with
// the floor dashed, as pathPrefix+"steps.png" and pathPrefix+"seconds.png".
func plotTimedCurves(pathPrefix, title, ylabel string, floor float64, curves []timedCurve) error {
	for _, axis := range []struct {
		name, label string
		x           func(timedCurve) []float64
	}{
		{"steps", "steps", func(c timedCurve) []float64 { return intsToFloats(c.steps) }},
		{"seconds", "seconds (median step cost × steps)", func(c timedCurve) []float64 { return c.seconds }},
	} {
		var series []charts.Series
		xmax := 0.0
		for _, c := range curves {
			x := axis.x(c)
			xmax = max(xmax, x[len(x)-1])
			series = append(series, charts.Series{Name: c.name, X: x, Y: c.y})
		}
		series = append(series, charts.Series{Name: "floor", X: []float64{0, xmax}, Y: []float64{floor, floor}, Dashed: true})
		if err := charts.Lines(pathPrefix+axis.name+".png", title, axis.label, ylabel, series...); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable prints the summary table of the Ising benchmark.
func (r *IsingResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "L\tD\tσ\tsampler\tESS\tESS/step\tESS/s\tESS/eval\tms/step\tevals/step\taccept\tlog10 MSE\t\n")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%d\t%d\t%g\t%s\t%.1f\t%.4f\t%.4g\t%s\t%.3f\t%.3g\t%.3f\t%.3f\t\n",
			row.L, row.L*row.L, row.Sigma, row.Sampler, row.ESSMean, row.essPerStep(r.Config),
			row.ESSPerSec, cell("%.3g", row.ESSPerEval), 1e3*row.StepSec, row.EvalsPerStep, row.AcceptRate, row.LogMSE)
	}
	return tw.Flush()
}

// essPerStep is the mean ESS per post-burn-in step.
func (row IsingRow) essPerStep(c IsingConfig) float64 {
	kept := c.Steps - int(c.BurnIn*float64(c.Steps))
	return row.ESSMean / float64(kept)
}

// WriteFiles writes prefix-summary.csv and, for every coupling σ, plots of
// ESS per step, per second and per evaluation against the dimension, and of
// the magnetisation error, into dir.
func (r *IsingResult) WriteFiles(dir, prefix string) error {
	rows := [][]string{{"L", "D", "sigma", "sampler", "ess_mean", "ess_median", "ess_per_step", "ess_per_s",
		"ess_per_eval", "s_per_step", "wall_s", "evals_per_step", "accept", "hops", "log10_mse_magnetisation"}}
	for _, row := range r.Rows {
		rows = append(rows, []string{strconv.Itoa(row.L), strconv.Itoa(row.L * row.L), ftoa(row.Sigma), row.Sampler,
			ftoa(row.ESSMean), ftoa(row.ESSMedian), ftoa(row.essPerStep(r.Config)), ftoa(row.ESSPerSec),
			ftoa(row.ESSPerEval), ftoa(row.StepSec), ftoa(row.WallSec), ftoa(row.EvalsPerStep),
			ftoa(row.AcceptRate), ftoa(row.MeanHops), ftoa(row.LogMSE)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	metrics := []latticeMetric[IsingRow]{
		{"ess-per-step", "log10 ESS per step", func(row IsingRow) float64 { return math.Log10(row.essPerStep(r.Config)) }},
		{"ess-per-second", "log10 ESS per second", func(row IsingRow) float64 { return math.Log10(row.ESSPerSec) }},
		{"ess-per-eval", "log10 ESS per evaluation", func(row IsingRow) float64 { return math.Log10(row.ESSPerEval) }},
		{"mse", "log10 MSE of the magnetisation", func(row IsingRow) float64 { return row.LogMSE }},
	}
	return plotLattice(dir, prefix, r.Config.Sigmas, r.Config.Samplers, r.Rows, metrics,
		func(row IsingRow) (int, float64, string) { return row.L, row.Sigma, row.Sampler },
		func(sigma float64) string { return fmt.Sprintf("lattice Ising, σ = %g", sigma) })
}

// latticeMetric is one plotted quantity of the lattice benchmarks' rows.
type latticeMetric[R any] struct {
	file, label string
	y           func(R) float64
}

// plotLattice writes, for every σ and metric, a plot of each sampler's
// metric against the dimension L² as prefix-<metric file>-sigma<σ>.png;
// at gives a row's lattice side, σ and sampler.
func plotLattice[R any](dir, prefix string, sigmas []float64, samplers []string, rows []R, metrics []latticeMetric[R],
	at func(R) (int, float64, string), title func(sigma float64) string) error {
	for _, sigma := range sigmas {
		for _, mt := range metrics {
			var series []charts.Series
			for _, s := range samplers {
				var x, y []float64
				for _, row := range rows {
					if l, sg, sampler := at(row); sg == sigma && sampler == s {
						x = append(x, float64(l*l))
						y = append(y, mt.y(row))
					}
				}
				series = append(series, charts.Series{Name: s, X: x, Y: y})
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%s-sigma%g.png", prefix, mt.file, sigma))
			if err := charts.Lines(path, title(sigma), "dimension D = L²", mt.label, series...); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeCSV(path string, rows [][]string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer func() {
		if e := f.Close(); err == nil && e != nil {
			err = fmt.Errorf("bench: writing %s: %w", path, e)
		}
	}()
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	return nil
}

// ftoa formats a CSV number; NaN, a value that does not apply, is left empty.
func ftoa(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// cell formats a table number; NaN, a value that does not apply, is "-".
func cell(format string, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func intsToFloats(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
