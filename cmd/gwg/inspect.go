package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gwg-go/gwg/ckpt"
)

func init() {
	register(command{name: "inspect", summary: "print what a checkpoint file holds", run: runInspect})
}

func runInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("inspect", "[flags] --checkpoint FILE|RUN-FOLDER (or the file or folder as the argument)", stderr)
	flagPath := fs.String("checkpoint", "", "checkpoint file, or a run folder (its latest checkpoint)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	rows := fs.Int("rows", 5, "number of metrics rows to show, the last ones; -1 for all")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Accept flags after the file too: gwg inspect run.ckpt --json.
	files := fs.Args()
	if len(files) > 0 {
		if err := parseFlags(fs, files[1:]); err != nil {
			return err
		}
		files = append(files[:1], fs.Args()...)
	}
	switch {
	case *flagPath != "" && len(files) > 0:
		return usageError("give the checkpoint as --checkpoint or as an argument, not both")
	case *flagPath != "":
		files = []string{*flagPath}
	}
	if len(files) != 1 {
		return usageError("want one checkpoint file, got %d", len(files))
	}
	if *rows < -1 {
		return usageError("-rows %d: want -1 (all) or more", *rows)
	}
	path, err := latestIfFolder(files[0], stderr)
	if err != nil {
		return err
	}
	c, err := ckpt.Load(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	r := summarize(path, fi.Size(), c, *rows)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.print(stdout)
}

// inspectReport is what gwg inspect prints; its JSON form is the -json output.
type inspectReport struct {
	File          string         `json:"file"`
	SizeBytes     int64          `json:"size_bytes"`
	FormatVersion int            `json:"format_version"`
	Created       *time.Time     `json:"created,omitempty"`
	Note          string         `json:"note,omitempty"`
	Build         *ckpt.Build    `json:"build,omitempty"`
	BuildWarning  string         `json:"build_warning,omitempty"`
	Model         modelReport    `json:"model"`
	Dataset       string         `json:"dataset,omitempty"`
	Shape         ckpt.Shape     `json:"shape,omitzero"`
	DataFile      ckpt.DataFile  `json:"data_file,omitzero"`
	BaseMeanSites int            `json:"base_mean_sites"`
	Params        []tensorReport `json:"params"`
	NumParams     int            `json:"num_params"`
	EMA           bool           `json:"ema"`
	Train         *trainReport   `json:"train,omitempty"`
}

type modelReport struct {
	Kind    string            `json:"kind"`
	Arch    string            `json:"arch,omitempty"`
	Ints    map[string]int    `json:"ints,omitempty"`
	Floats  map[string]number `json:"floats,omitempty"`
	Strings map[string]string `json:"strings,omitempty"`
}

type tensorReport struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	Count int    `json:"count"`
}

type trainReport struct {
	Iteration   int   `json:"iteration"`
	AdamStep    int64 `json:"adam_step"`
	AdamMoments bool  `json:"adam_moments"`
	BufferRows  int   `json:"buffer_rows"`
	BufferWidth int   `json:"buffer_width"`
	// BufferCategories is K of a buffer of one-hot chains stored as one
	// byte per site (BufferWidth sites); 0 for a buffer of bits.
	BufferCategories int         `json:"buffer_categories,omitempty"`
	RNGBytes         int         `json:"rng_bytes"`
	Config           any         `json:"config,omitempty"`
	ConfigError      string      `json:"config_error,omitempty"`
	MetricColumns    []string    `json:"metric_columns"`
	MetricRows       int         `json:"metric_rows"` // rows in the file
	LastMetrics      [][]number  `json:"last_metrics"`
	Best             *bestReport `json:"best_valid,omitempty"`
}

type bestReport struct {
	Iteration int    `json:"iteration"`
	LogLik    number `json:"loglik"`
}

// number is a float64 that JSON can always encode: NaN and ±Inf, which a
// diverged run can log, become the strings "NaN", "+Inf" and "-Inf".
type number float64

func (x number) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(`"` + x.String() + `"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func (x number) String() string { return strconv.FormatFloat(float64(x), 'g', 6, 64) }

func summarize(path string, size int64, c *ckpt.Checkpoint, rows int) *inspectReport {
	r := &inspectReport{
		File:          path,
		SizeBytes:     size,
		FormatVersion: c.FormatVersion,
		Note:          c.Note,
		Build:         c.Build,
		BuildWarning:  buildWarning(c.Build),
		Model: modelReport{
			Kind: c.Model.Kind, Arch: c.Model.Arch, Ints: c.Model.Ints, Strings: c.Model.Strings,
		},
		Dataset:       c.Dataset,
		Shape:         c.Shape,
		DataFile:      c.DataFile,
		BaseMeanSites: len(c.BaseMean),
		Params:        make([]tensorReport, len(c.Params)),
		NumParams:     c.NumParams(),
		EMA:           len(c.EMA) > 0,
	}
	if !c.Created.IsZero() {
		r.Created = &c.Created
	}
	if c.Model.Floats != nil {
		r.Model.Floats = make(map[string]number, len(c.Model.Floats))
		for k, v := range c.Model.Floats {
			r.Model.Floats[k] = number(v)
		}
	}
	for i, p := range c.Params {
		r.Params[i] = tensorReport{Name: p.Name, Shape: p.Shape, Count: len(p.Data)}
		if r.Params[i].Shape == nil {
			r.Params[i].Shape = []int{}
		}
	}
	if s := c.Train; s != nil {
		t := &trainReport{
			Iteration:     s.Iteration,
			AdamStep:      s.Adam.Step,
			AdamMoments:   len(s.Adam.M) > 0,
			BufferRows:    s.Buffer.Rows,
			BufferWidth:   s.Buffer.Width,
			RNGBytes:      len(s.RNG),
			MetricColumns: s.Metrics.Columns,
			MetricRows:    len(s.Metrics.Rows),
		}
		if cs := s.Codes; !cs.IsZero() {
			t.BufferRows, t.BufferWidth, t.BufferCategories = cs.Rows, cs.Width, cs.Categories
		}
		if t.MetricColumns == nil {
			t.MetricColumns = []string{}
		}
		last := s.Metrics.Rows
		if rows >= 0 && len(last) > rows {
			last = last[len(last)-rows:]
		}
		t.LastMetrics = make([][]number, len(last))
		for i, row := range last {
			t.LastMetrics[i] = make([]number, len(row))
			for j, v := range row {
				t.LastMetrics[i][j] = number(v)
			}
		}
		if s.Best != nil {
			t.Best = &bestReport{Iteration: s.Best.Iteration, LogLik: number(s.Best.LogLik)}
		}
		if len(s.Config) > 0 {
			var cfg any
			if err := s.DecodeConfig(&cfg); err != nil {
				t.ConfigError = err.Error()
			} else {
				t.Config = jsonSafe(cfg)
			}
		}
		r.Train = t
	}
	return r
}

// jsonSafe converts a decoded msgpack value into one encoding/json accepts:
// maps get string keys and floats become numbers.
func jsonSafe(v any) any {
	switch v := v.(type) {
	case float64:
		return number(v)
	case float32:
		return number(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonSafe(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonSafe(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = jsonSafe(e)
		}
		return out
	}
	return v
}

// print writes the report as aligned text.
func (r *inspectReport) print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(key, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", key, fmt.Sprintf(format, args...))
	}
	line("file", "%s", r.File)
	line("size", "%s (%s bytes)", megabytes(r.SizeBytes), grouped(r.SizeBytes))
	line("format", "version %d", r.FormatVersion)
	if r.Created != nil {
		line("created", "%s", r.Created.Format("2006-01-02 15:04:05 MST"))
	}
	if r.Note != "" {
		line("note", "%s", r.Note)
	}
	if r.Build != nil {
		line("build", "%s", r.Build)
	} else {
		line("build", "not recorded (written before gwg recorded builds)")
	}
	line("model", "%s", strings.TrimSuffix(r.Model.Kind+" "+r.Model.Arch, " "))
	for _, k := range sortedKeys(r.Model.Ints) {
		line("  "+k, "%d", r.Model.Ints[k])
	}
	for _, k := range sortedKeys(r.Model.Floats) {
		line("  "+k, "%v", r.Model.Floats[k])
	}
	for _, k := range sortedKeys(r.Model.Strings) {
		line("  "+k, "%s", r.Model.Strings[k])
	}
	if r.Dataset != "" {
		line("dataset", "%s", r.Dataset)
	}
	if sh := r.Shape; sh != (ckpt.Shape{}) {
		line("data shape", "%d×%d sites of %d categories", sh.Height, sh.Width, sh.Categories)
	}
	if d := r.DataFile; !d.IsZero() {
		line("data file", "%s (SHA-256 %.12s…; --categories %d --valid-size %g --test-size %g --split-seed %d, 0 = default)",
			d.Path, d.SHA256, d.Categories, d.Valid, d.Test, d.Seed)
	}
	if r.BaseMeanSites > 0 {
		line("base mean", "%d sites", r.BaseMeanSites)
	}
	line("parameters", "%d tensors, %s values", len(r.Params), grouped(int64(r.NumParams)))
	for _, p := range r.Params {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Name, shapeString(p.Shape), grouped(int64(p.Count)))
	}
	line("EMA", "%s", yesNo(r.EMA))
	if t := r.Train; t != nil {
		line("iteration", "%d", t.Iteration)
		moments := "no moments"
		if t.AdamMoments {
			moments = "moments stored"
		}
		line("optimizer", "Adam, step %d, %s", t.AdamStep, moments)
		if t.BufferCategories > 0 {
			line("buffer", "%d chains × %d sites of %d categories (one byte each)", t.BufferRows, t.BufferWidth, t.BufferCategories)
		} else {
			line("buffer", "%d chains × %d bits", t.BufferRows, t.BufferWidth)
		}
		line("rng state", "%d bytes", t.RNGBytes)
		if t.Best != nil {
			line("best valid LL", "%v at iteration %d", t.Best.LogLik, t.Best.Iteration)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.BuildWarning != "" {
		fmt.Fprintf(w, "warning: this checkpoint was %s\n", r.BuildWarning)
	}
	if t := r.Train; t != nil {
		// key = value lines outside the table: nested keys are long.
		switch {
		case t.ConfigError != "":
			fmt.Fprintf(w, "config unreadable: %s\n", t.ConfigError)
		case t.Config != nil:
			lines := configLines(t.Config)
			fmt.Fprintf(w, "config (%d settings):\n", len(lines))
			for _, l := range lines {
				fmt.Fprintf(w, "  %s\n", l)
			}
		}
	}
	if t := r.Train; t != nil && t.MetricRows > 0 {
		fmt.Fprintf(w, "\nmetrics: %d rows, the last %d:\n", t.MetricRows, len(t.LastMetrics))
		fmt.Fprintf(tw, "  %s\n", strings.Join(t.MetricColumns, "\t"))
		for _, row := range t.LastMetrics {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = v.String()
			}
			fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
	return nil
}

// configLines flattens a decoded config into sorted "key = value" lines,
// nested maps as dotted keys (config.lr = 0.001).
func configLines(v any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			if prefix == "" {
				prefix = "value"
			}
			out = append(out, fmt.Sprintf("%s = %v", prefix, v))
			return
		}
		for _, k := range sortedKeys(m) {
			if prefix != "" {
				walk(prefix+"."+k, m[k])
			} else {
				walk(k, m[k])
			}
		}
	}
	walk("", v)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func shapeString(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// grouped formats a count with thousands separators: 1234567 → "1,234,567".
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}
