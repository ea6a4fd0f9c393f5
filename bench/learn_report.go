package bench

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/charts"
)

// Target is the error every sampler is asked to reach: the best final
// log₁₀ RMSE of the first sampler (gibbs by default) over its K values.
func (r *LearnResult) Target() float64 {
	best := math.Inf(1)
	for _, c := range r.Curves {
		if c.Sampler == r.Curves[0].Sampler {
			best = min(best, c.Final())
		}
	}
	return best
}

// Reach is what a sampler needed to reach an error.
type Reach struct {
	Sampler string
	// K is the smallest steps per iteration whose final error is at most
	// the target (0 if none).
	K int
	// Steps is the fewest total sampler steps after which any of the
	// sampler's runs was at or below the target (NaN if none), and Seconds
	// the corresponding time of that run.
	Steps, Seconds float64
}

// Reaches returns, for every sampler, what it needed to reach target.
func (r *LearnResult) Reaches(target float64) []Reach {
	var out []Reach
	idx := map[string]int{}
	for _, c := range r.Curves {
		k, ok := idx[c.Sampler]
		if !ok {
			k = len(out)
			idx[c.Sampler] = k
			out = append(out, Reach{Sampler: c.Sampler, Steps: math.NaN(), Seconds: math.NaN()})
		}
		if c.Final() <= target && (out[k].K == 0 || c.K < out[k].K) {
			out[k].K = c.K
		}
		steps := c.Steps()
		for i, v := range c.LogRMSE {
			if v <= target {
				if math.IsNaN(out[k].Steps) || steps[i] < out[k].Steps {
					out[k].Steps, out[k].Seconds = steps[i], c.Seconds[i]
				}
				break
			}
		}
	}
	return out
}

// WriteTable prints the final error of every run and what each sampler
// needed to reach the target error.
func (r *LearnResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "sampler\tK\tlog10 RMSE\tσ learned\tprecision\tms/iter\tCPU s\taccept\t\n")
	for _, c := range r.Curves {
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%s\t%s\t%.2f\t%.1f\t%.3f\t\n", c.Sampler, c.K, c.Final(),
			cell("%.4f", last(c.Sigma)), cell("%.3f", last(c.Precision)),
			1e3*c.Seconds[len(c.Seconds)-1]/float64(c.Iter[len(c.Iter)-1]), c.CPU, c.Accept)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	target := r.Target()
	if !(target < r.InitLogRMSE) {
		_, err := fmt.Fprintf(w, "\n%s never got below the initial log10 RMSE %.3f\n", r.Curves[0].Sampler, r.InitLogRMSE)
		return err
	}
	fmt.Fprintf(w, "\nto reach log10 RMSE %.3f (%s's best final error over K; initial %.3f):\n", target, r.Curves[0].Sampler, r.InitLogRMSE)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "sampler\tsmallest K\tfewest steps\tat seconds\t\n")
	for _, q := range r.Reaches(target) {
		k := "-"
		if q.K > 0 {
			k = strconv.Itoa(q.K)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", q.Sampler, k, cell("%.0f", q.Steps), cell("%.1f", q.Seconds))
	}
	return tw.Flush()
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// WriteFiles writes prefix-curves.csv (every evaluation of every run),
// prefix-summary.csv, the plot prefix-rmse-k.png of the final error against
// K, and for every K plots of the error against total sampler steps and
// against seconds, into dir.
func (r *LearnResult) WriteFiles(dir, prefix string) error {
	rows := [][]string{{"sampler", "k", "iter", "steps", "seconds", "log10_rmse", "sigma", "precision"}}
	for _, c := range r.Curves {
		steps := c.Steps()
		for i := range c.Iter {
			rows = append(rows, []string{c.Sampler, strconv.Itoa(c.K), strconv.Itoa(c.Iter[i]), ftoa(steps[i]),
				ftoa(c.Seconds[i]), ftoa(c.LogRMSE[i]), ftoa(at(c.Sigma, i)), ftoa(at(c.Precision, i))})
		}
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-curves.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"sampler", "k", "iters", "log10_rmse_final", "log10_rmse_initial", "sigma_final", "sigma_true",
		"precision_final", "seconds", "cpu_s", "accept"}}
	for _, c := range r.Curves {
		rows = append(rows, []string{c.Sampler, strconv.Itoa(c.K), strconv.Itoa(c.Iter[len(c.Iter)-1]), ftoa(c.Final()),
			ftoa(r.InitLogRMSE), ftoa(last(c.Sigma)), ftoa(r.Problem.Sigma), ftoa(last(c.Precision)),
			ftoa(c.Seconds[len(c.Seconds)-1]), ftoa(c.CPU), ftoa(c.Accept)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	samplers, ks := r.axes()
	var series []charts.Series
	for _, s := range samplers {
		var x, y []float64
		for _, c := range r.Curves {
			if c.Sampler == s {
				x = append(x, float64(c.K))
				y = append(y, c.Final())
			}
		}
		series = append(series, charts.Series{Name: s, X: x, Y: y})
	}
	title := fmt.Sprintf("%s, %d iterations", r.Problem.Name, r.Config.Iters)
	if err := charts.Lines(filepath.Join(dir, prefix+"-rmse-k.png"), title, "sampler steps per iteration K", "final log10 RMSE(J − J*)", series...); err != nil {
		return err
	}
	for _, k := range ks {
		for _, axis := range []struct {
			name, label string
			x           func(LearnCurve) []float64
		}{
			{"steps", "total sampler steps", LearnCurve.Steps},
			{"seconds", "seconds (median iteration cost × iterations)", func(c LearnCurve) []float64 { return c.Seconds }},
		} {
			series = series[:0]
			for _, c := range r.Curves {
				if c.K == k {
					series = append(series, charts.Series{Name: c.Sampler, X: axis.x(c), Y: c.LogRMSE})
				}
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-rmse-%s-K%d.png", prefix, axis.name, k))
			if err := charts.Lines(path, fmt.Sprintf("%s, K = %d", r.Problem.Name, k), axis.label, "log10 RMSE(J − J*)", series...); err != nil {
				return err
			}
		}
	}
	return nil
}

// axes lists the samplers and the K values in the order of the runs.
func (r *LearnResult) axes() (samplers []string, ks []int) {
	seenS, seenK := map[string]bool{}, map[int]bool{}
	for _, c := range r.Curves {
		if !seenS[c.Sampler] {
			seenS[c.Sampler] = true
			samplers = append(samplers, c.Sampler)
		}
		if !seenK[c.K] {
			seenK[c.K] = true
			ks = append(ks, c.K)
		}
	}
	return samplers, ks
}

func at(v []float64, i int) float64 {
	if i >= len(v) {
		return math.NaN()
	}
	return v[i]
}

// SaveModels writes the model learned by each sampler's run with the
// largest K as a checkpoint prefix-SAMPLER-KK.ckpt in dir (lattice models
// shaped as L×L images) and returns the paths.
func (r *LearnResult) SaveModels(dir, prefix string) ([]string, error) {
	best := map[string]LearnCurve{}
	var order []string
	for _, c := range r.Curves {
		b, ok := best[c.Sampler]
		if !ok {
			order = append(order, c.Sampler)
		}
		if !ok || c.K > b.K {
			best[c.Sampler] = c
		}
	}
	d := r.Problem.Dom.Sites
	shape := ckpt.Shape{Height: 1, Width: d, Categories: r.Problem.Dom.Categories}
	if side := int(math.Round(math.Sqrt(float64(d)))); r.Problem.Edges != nil && side*side == d {
		shape.Height, shape.Width = side, side
	}
	var paths []string
	for _, s := range order {
		c := best[s]
		note := fmt.Sprintf("gwg bench: PCD with %s, K = %d, %d iterations, lr %g, L1 %g; final log10 RMSE %.3f",
			c.Sampler, c.K, r.Config.Iters, r.Config.LR, max(r.Config.L1, 0), c.Final())
		cp, err := ebm.NewCheckpoint(c.Model, nil, r.Problem.Name, shape, note)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%s-K%d.ckpt", prefix, fileSafe(c.Sampler), c.K))
		if err := ckpt.Save(path, cp); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
