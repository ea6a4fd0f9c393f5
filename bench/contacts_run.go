package bench

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/charts"
)

// ContactsConfig sets up the contact-prediction benchmark. Zero fields take
// the values of Defaults.
type ContactsConfig struct {
	Sites         int     // L (50)
	States        int     // q (21)
	FieldSigma    float64 // fields ~ N(0, FieldSigma²) (1)
	CouplingSigma float64 // contact blocks ~ N(0, CouplingSigma²) before gauging (0.5)
	Samples       int     // training sequences (2,000)
	Sweeps        int     // Gibbs sweeps per ground-truth chain (300)
	Seed          uint64
	CacheDir      string      // where the ground truth is cached ("" for nowhere)
	Learn         LearnConfig // PCD; default gibbs and gwg, K = 20, fields learned
	PLM           PLMConfig
	SkipPLM       bool
	// Progress, when set, returns the progress callback of a named stage.
	Progress func(stage string) func(done, total int)
}

// Defaults returns c with every zero field set to its default.
func (c ContactsConfig) Defaults() ContactsConfig {
	setDefault(&c.Sites, 50)
	setDefault(&c.States, 21)
	if c.FieldSigma == 0 {
		c.FieldSigma = 1
	}
	if c.CouplingSigma == 0 {
		c.CouplingSigma = 0.5
	}
	setDefault(&c.Samples, 2000)
	setDefault(&c.Sweeps, 300)
	if len(c.Learn.Samplers) == 0 {
		c.Learn.Samplers = []string{"gibbs", "gwg"}
	}
	if len(c.Learn.Steps) == 0 {
		c.Learn.Steps = []int{20}
	}
	c.Learn.LearnBias = true
	c.PLM = c.PLM.Defaults()
	return c
}

// ContactsResult is the outcome of RunContacts.
type ContactsResult struct {
	Config  ContactsConfig
	Problem *Problem
	Check   Convergence
	PCD     *LearnResult
	// PLM is the pseudo-likelihood fit's curve (Sampler "plm", K 0,
	// Seconds in CPU seconds); nil when skipped.
	PLM *LearnCurve
}

// RunContacts draws a synthetic protein-like Potts model and samples from
// it, fits the couplings by PCD with every sampler and by pseudo-likelihood,
// and scores the top-L contacts of each fit against the true contact map.
func RunContacts(cfg ContactsConfig) (*ContactsResult, error) {
	cfg = cfg.Defaults()
	progress := func(stage string) func(int, int) {
		if cfg.Progress == nil {
			return nil
		}
		return cfg.Progress(stage)
	}
	p, err := ContactProblem(cfg.Sites, cfg.States, cfg.FieldSigma, cfg.CouplingSigma, cfg.Seed)
	if err != nil {
		return nil, err
	}
	data, check, err := GenerateData(p, cfg.Samples, cfg.Sweeps, cfg.Seed, cfg.CacheDir, progress("ground truth"))
	if err != nil {
		return nil, err
	}
	res := &ContactsResult{Config: cfg, Problem: p, Check: check}
	lc := cfg.Learn
	lc.Progress = progress("PCD")
	if res.PCD, err = Learn(p, data, lc); err != nil {
		return nil, err
	}
	if cfg.SkipPLM {
		return res, nil
	}
	curve := &LearnCurve{Sampler: "plm"}
	pc := cfg.PLM
	pc.Progress = progress("pseudo-likelihood")
	_, _, err = PLM(data, p.Dom.Sites, p.Dom.Categories, pc, func(iter int, sec float64, j []float32) {
		curve.Iter = append(curve.Iter, iter)
		curve.Seconds = append(curve.Seconds, sec)
		curve.LogRMSE = append(curve.LogRMSE, math.Log10(couplingRMSE(p, j)))
		curve.Precision = append(curve.Precision, ContactPrecision(ContactScores(j, p.Dom.Sites, p.Dom.Categories), p.Contacts, p.Dom.Sites, contactMinSep))
		curve.CPU = sec
	})
	if err != nil {
		return nil, err
	}
	res.PLM = curve
	return res, nil
}

// curves lists every fit, PCD runs first.
func (r *ContactsResult) curves() []LearnCurve {
	out := append([]LearnCurve(nil), r.PCD.Curves...)
	if r.PLM != nil {
		out = append(out, *r.PLM)
	}
	return out
}

func methodName(c LearnCurve) string {
	if c.K == 0 {
		return c.Sampler
	}
	return fmt.Sprintf("%s K=%d", c.Sampler, c.K)
}

// WriteTable prints the precision and coupling error of every fit.
func (r *ContactsResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "method\titerations\tprecision top-L\tlog10 RMSE\tCPU s\tprecision per CPU min\t\n")
	for _, c := range r.curves() {
		prec := last(c.Precision)
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.1f\t%.3f\t\n", methodName(c), c.Iter[len(c.Iter)-1], prec, c.Final(), c.CPU, 60*prec/c.CPU)
	}
	return tw.Flush()
}

// WriteFiles writes prefix-curves.csv, prefix-summary.csv and the plots of
// the precision against CPU seconds and against sampler steps into dir.
func (r *ContactsResult) WriteFiles(dir, prefix string) error {
	rows := [][]string{{"method", "k", "iter", "steps", "seconds", "log10_rmse", "precision"}}
	for _, c := range r.curves() {
		steps := c.Steps()
		for i := range c.Iter {
			rows = append(rows, []string{c.Sampler, strconv.Itoa(c.K), strconv.Itoa(c.Iter[i]), ftoa(steps[i]),
				ftoa(c.Seconds[i]), ftoa(c.LogRMSE[i]), ftoa(c.Precision[i])})
		}
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-curves.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"method", "k", "iters", "precision", "log10_rmse", "cpu_s"}}
	for _, c := range r.curves() {
		rows = append(rows, []string{c.Sampler, strconv.Itoa(c.K), strconv.Itoa(c.Iter[len(c.Iter)-1]),
			ftoa(last(c.Precision)), ftoa(c.Final()), ftoa(c.CPU)})
	}
	if err := writeCSV(filepath.Join(dir, prefix+"-summary.csv"), rows); err != nil {
		return err
	}
	var bySec, bySteps []charts.Series
	for _, c := range r.curves() {
		// PCD runs report median wall time per iteration; put them on the
		// CPU-seconds axis of PLM by their own CPU total.
		sec := c.Seconds
		if c.K > 0 && len(c.Iter) > 0 {
			sec = make([]float64, len(c.Iter))
			for i, it := range c.Iter {
				sec[i] = c.CPU * float64(it) / float64(c.Iter[len(c.Iter)-1])
			}
			bySteps = append(bySteps, charts.Series{Name: methodName(c), X: c.Steps(), Y: c.Precision})
		}
		bySec = append(bySec, charts.Series{Name: methodName(c), X: sec, Y: c.Precision})
	}
	title := r.Problem.Name
	if err := charts.Lines(filepath.Join(dir, prefix+"-precision-seconds.png"), title, "CPU seconds", "precision of the top-L contacts", bySec...); err != nil {
		return err
	}
	return charts.Lines(filepath.Join(dir, prefix+"-precision-steps.png"), title, "total sampler steps (PCD)", "precision of the top-L contacts", bySteps...)
}

// AlignmentFit is one method's contact prediction for a real alignment.
type AlignmentFit struct {
	Method string    // "plm", or the PCD sampler's name
	CPU    float64   // CPU seconds of the fit
	J      []float32 // the fitted couplings (L·21 × L·21)
	Top    []Contact // the top-L pairs with |i − j| ≥ 6, best first
}

// FitAlignment fits a Potts model to the sequences of aln by
// pseudo-likelihood (unless skipPLM) and by PCD with the first sampler and
// K of cfg, fields learned, and returns each fit's top-L contacts.
// Sequences are not reweighted for redundancy.
func FitAlignment(aln *Alignment, cfg LearnConfig, plm PLMConfig, skipPLM bool, progress func(stage string) func(int, int)) ([]AlignmentFit, error) {
	l, q := aln.Len(), len(ProteinAlphabet)
	data := aln.OneHot()
	stage := func(s string) func(int, int) {
		if progress == nil {
			return nil
		}
		return progress(s)
	}
	var fits []AlignmentFit
	top := func(method string, cpu float64, j []float32) {
		fits = append(fits, AlignmentFit{Method: method, CPU: cpu, J: j, Top: TopContacts(ContactScores(j, l, q), l, contactMinSep, l)})
	}
	if !skipPLM {
		plm.Progress = stage("pseudo-likelihood")
		var cpu float64
		j, _, err := PLM(data, l, q, plm, func(_ int, sec float64, _ []float32) { cpu = sec })
		if err != nil {
			return nil, err
		}
		top("plm", cpu, j)
	}
	dom := ebm.Domain{Sites: l, Categories: q, OneHot: true}
	p := &Problem{Name: fmt.Sprintf("alignment of %d sequences × %d columns", len(aln.Codes), l), Dom: dom,
		Bias: make([]float32, l*q), Sigma: math.NaN()}
	cfg = cfg.Defaults(dom)
	cfg.Samplers, cfg.Steps, cfg.LearnBias = cfg.Samplers[:1], cfg.Steps[:1], true
	cfg.Progress = stage("PCD " + cfg.Samplers[0])
	res, err := Learn(p, data, cfg)
	if err != nil {
		return nil, err
	}
	c := res.Curves[0]
	j, _ := c.Model.Couplings()
	top(c.Sampler, c.CPU, j)
	return fits, nil
}

// WriteContacts writes scored pairs as CSV with 1-based columns i, j.
func WriteContacts(path string, top []Contact) error {
	rows := [][]string{{"i", "j", "score"}}
	for _, c := range top {
		rows = append(rows, []string{strconv.Itoa(c.I + 1), strconv.Itoa(c.J + 1), ftoa(c.Score)})
	}
	return writeCSV(path, rows)
}
