package train

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/charts"
)

// Record is one line of the training log: means over the iterations since
// the previous record.
type Record struct {
	Iter       int     `msgpack:"iter"`
	SecPerIter float64 `msgpack:"sec_per_iter"` // wall-clock seconds per iteration
	LR         float64 `msgpack:"lr"`           // learning rate of the last iteration
	FData      float64 `msgpack:"f_data"`       // mean f(data)
	FSamples   float64 `msgpack:"f_samples"`    // mean f(samples)
	Accept     float64 `msgpack:"accept"`       // sampler acceptance rate
	Hops       float64 `msgpack:"hops"`         // mean sites changed per sampler step
	ValidLL    float64 `msgpack:"valid_ll"`     // validation log-likelihood (nats), NaN if not measured
}

// Gap is mean f(data) − mean f(samples), the negated loss without L2.
func (r Record) Gap() float64 { return r.FData - r.FSamples }

// String is the log line of the record.
func (r Record) String() string {
	s := fmt.Sprintf("iter %6d  %.3fs/it  lr %.2e  f(data) %9.3f  f(samples) %9.3f  diff %8.3f  accept %.3f  hops %.2f",
		r.Iter, r.SecPerIter, r.LR, r.FData, r.FSamples, r.Gap(), r.Accept, r.Hops)
	if !math.IsNaN(r.ValidLL) {
		s += fmt.Sprintf("  valid LL %.2f", r.ValidLL)
	}
	return s
}

// LogWindow is what a log record has accumulated since the previous one.
// Snapshots carry it, so that a run interrupted between two records and
// resumed logs the same rows as one that ran straight through.
type LogWindow struct {
	Iters       int     `msgpack:"iters"`
	FData       float64 `msgpack:"f_data"`    // sum over the iterations
	FSamples    float64 `msgpack:"f_samples"` // sum over the iterations
	Transitions int64   `msgpack:"transitions"`
	Accepted    int64   `msgpack:"accepted"`
	Hops        int64   `msgpack:"hops"`
	LR          float64 `msgpack:"lr"` // of the last iteration
}

// window accumulates the iterations of one log record.
type window struct {
	LogWindow
	start  time.Time // when this process started timing the window
	timedN int       // iterations of the window done before start
}

func (w *window) add(r StepResult) {
	w.Iters++
	w.FData += r.FData
	w.FSamples += r.FSamples
	w.LR = r.LR
	w.Transitions += r.Sampler.Transitions
	w.Accepted += r.Sampler.Accepted
	w.Hops += r.Sampler.Hops
}

// restart starts timing at now, keeping the sums.
func (w *window) restart(now time.Time) {
	w.start, w.timedN = now, w.Iters
}

// record closes the window at iteration iter and starts the next one.
func (w *window) record(iter int, now time.Time) Record {
	st := gwg.Stats{Transitions: w.Transitions, Accepted: w.Accepted, Hops: w.Hops}
	r := Record{Iter: iter, LR: w.LR, ValidLL: math.NaN(), Accept: st.AcceptRate(), Hops: st.MeanHops()}
	if w.Iters > 0 {
		r.FData, r.FSamples = w.FData/float64(w.Iters), w.FSamples/float64(w.Iters)
	}
	if n := w.Iters - w.timedN; n > 0 {
		r.SecPerIter = now.Sub(w.start).Seconds() / float64(n)
	}
	*w = window{start: now}
	return r
}

var csvHeader = "iter,sec_per_iter,lr,f_data,f_samples,diff,accept,hops,valid_ll\n"

// csvLine formats a record as a line of metrics.csv; a NaN validation
// log-likelihood is an empty cell.
func csvLine(r Record) string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	valid := ""
	if !math.IsNaN(r.ValidLL) {
		valid = g(r.ValidLL)
	}
	return fmt.Sprintf("%d,%s,%s,%s,%s,%s,%s,%s,%s\n", r.Iter, g(r.SecPerIter), g(r.LR),
		g(r.FData), g(r.FSamples), g(r.Gap()), g(r.Accept), g(r.Hops), valid)
}

// metricsLog is metrics.csv: rewritten whole when a run starts or resumes,
// so that it matches the checkpoint's records, then appended to.
type metricsLog struct {
	f *os.File
}

func createMetricsLog(path string, records []Record) (*metricsLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("train: metrics: %w", err)
	}
	l := &metricsLog{f}
	w := bufio.NewWriter(f)
	w.WriteString(csvHeader)
	for _, r := range records {
		w.WriteString(csvLine(r))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("train: metrics: %w", err)
	}
	return l, nil
}

func (l *metricsLog) append(r Record) error {
	if _, err := l.f.WriteString(csvLine(r)); err != nil {
		return fmt.Errorf("train: metrics: %w", err)
	}
	return nil
}

func (l *metricsLog) Close() error { return l.f.Close() }

// PlotCurves draws the training curves into dir: f of data and samples
// (curves-f.png), their difference (curves-diff.png), the sampler's
// acceptance and hops (curves-sampler.png) and, once measured, the validation
// log-likelihood (curves-valid.png).
func PlotCurves(dir string, records []Record) error {
	if len(records) == 0 {
		return nil
	}
	col := func(get func(Record) float64) (x, y []float64) {
		for _, r := range records {
			if v := get(r); !math.IsNaN(v) {
				x, y = append(x, float64(r.Iter)), append(y, v)
			}
		}
		return x, y
	}
	series := func(name string, get func(Record) float64) charts.Series {
		x, y := col(get)
		return charts.Series{Name: name, X: x, Y: y}
	}
	type figure struct {
		file, title string
		panels      []charts.Panel
	}
	one := func(ylabel string, s ...charts.Series) []charts.Panel {
		return []charts.Panel{{YLabel: ylabel, Series: s}}
	}
	figs := []figure{
		{"curves-f.png", "mean f", one("f(x) = log p̃(x)",
			series("data", func(r Record) float64 { return r.FData }),
			series("samples", func(r Record) float64 { return r.FSamples }))},
		{"curves-diff.png", "f(data) − f(samples)", one("nats", series("", Record.Gap))},
		// Two panels: for one-flip samplers the hops equal the acceptance
		// and would hide it; for others their scales differ.
		{"curves-sampler.png", "sampler", []charts.Panel{
			{YLabel: "acceptance rate", Series: []charts.Series{series("", func(r Record) float64 { return r.Accept })}},
			{YLabel: "sites changed per step", Series: []charts.Series{series("", func(r Record) float64 { return r.Hops })}}}},
	}
	if s := series("", func(r Record) float64 { return r.ValidLL }); len(s.X) > 0 {
		figs = append(figs, figure{"curves-valid.png", "validation log-likelihood (AIS)", one("nats", s)})
	}
	for _, f := range figs {
		if err := charts.Panels(filepath.Join(dir, f.file), f.title, "iteration", f.panels...); err != nil {
			return fmt.Errorf("train: plotting %s: %w", f.file, err)
		}
	}
	return nil
}
