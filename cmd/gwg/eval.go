package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/atomicfile"
	"github.com/gwg-go/gwg/internal/buildinfo"
	"github.com/gwg-go/gwg/internal/chains"
)

func init() {
	register(command{name: "eval", summary: "estimate log Z and log-likelihoods of a checkpoint by annealed importance sampling", run: runEval})
}

// evalTrainSeed binarises a dynamic training split once for its
// log-likelihood; validation and test splits come binarised by datasets.
const evalTrainSeed = 0x65766131 // "eva1"

// flatteryNote is printed with every result: it is the reason the reverse
// bound exists.
const flatteryNote = "AIS underestimates log Z in expectation, so a short schedule overestimates every log-likelihood (flatters the model); compare with more temperatures or with the RAISE bound."

// lowESS is the fraction of the chains below which the weights' effective
// sample size makes any error bar suspect.
const lowESS = 0.1

// evalSettings are the knobs of a run, echoed in the report.
type evalSettings struct {
	Temperatures int    `json:"temperatures"`
	Schedule     string `json:"schedule"`
	Chains       int    `json:"chains"`
	Repeats      int    `json:"repeats"`
	Sampler      string `json:"sampler"`
	Block        int    `json:"block"`
	Seed         uint64 `json:"seed"`
	RAISE        int    `json:"raise_examples"`
	Reverse      int    `json:"reverse_buffer_chains"`
}

type splitResult struct {
	Split         string  `json:"split"`
	N             int     `json:"n"`
	MeanF         float64 `json:"mean_f"`
	LogLikelihood float64 `json:"log_likelihood"`
	StdErr        float64 `json:"log_likelihood_stderr"`
	// BitsPerDim is −LogLikelihood/(D·ln 2) for D sites, as categorical
	// results are reported in the literature.
	BitsPerDim       float64 `json:"bits_per_dim"`
	BitsPerDimStdErr float64 `json:"bits_per_dim_stderr"`
	// The exact log-likelihood of the model's base distribution alone
	// (independent sites at the training frequencies): the number the
	// model has to beat. Absent for models without a base.
	BaseLogLikelihood *float64 `json:"base_log_likelihood,omitempty"`
	BaseBitsPerDim    *float64 `json:"base_bits_per_dim,omitempty"`
}

// raiseResult is the conservative side of the bracket, on a subset of a
// split, with AIS's estimate on the same examples for comparison.
type raiseResult struct {
	Split            string  `json:"split"`
	N                int     `json:"n"`
	LogLikelihood    float64 `json:"log_likelihood"`
	StdErr           float64 `json:"log_likelihood_stderr"`
	AISLogLikelihood float64 `json:"ais_log_likelihood_same_examples"`
	Gap              float64 `json:"gap"` // AIS minus RAISE on the same examples
	GapStdErr        float64 `json:"gap_stderr"`
	Seconds          float64 `json:"seconds"`
}

// reverseResult is reverse AIS from the replay buffer: an upper estimate of
// log Z if the buffer's chains were exact samples of the model.
type reverseResult struct {
	Chains  int     `json:"chains"`
	LogZ    float64 `json:"log_z"`
	StdErr  float64 `json:"log_z_stderr"`
	ESS     float64 `json:"weight_ess"`
	Seconds float64 `json:"seconds"`
}

// rbmResult holds the two RBM-only checks: the exact log Z when the hidden
// layer is small enough to sum over, and AIS along the classic
// weight-annealing path with block Gibbs, which mixes far better per
// temperature than single-site kernels.
type rbmResult struct {
	ExactLogZ  *float64 `json:"exact_log_z,omitempty"`
	PathLogZ   float64  `json:"weight_path_log_z"`
	PathStdErr float64  `json:"weight_path_log_z_stderr"`
	PathESS    float64  `json:"weight_path_ess"`
	Seconds    float64  `json:"seconds"`
}

type evalReport struct {
	Checkpoint      string         `json:"checkpoint"`
	Model           string         `json:"model"`
	Dataset         string         `json:"dataset,omitempty"`
	DataFile        string         `json:"data_file,omitempty"` // the user's file the splits were read from
	Dims            int            `json:"dims"`                // D, the sites of a state
	Categories      int            `json:"categories"`          // K, values per site
	Settings        evalSettings   `json:"settings"`
	LogZ            float64        `json:"log_z"`
	StdErr          float64        `json:"log_z_stderr"`
	StdErrMethod    string         `json:"log_z_stderr_method"`
	BootstrapStdErr float64        `json:"log_z_bootstrap_stderr"`
	RepeatLogZ      []float64      `json:"repeat_log_z"`
	ESS             float64        `json:"weight_ess"`
	Weights         int            `json:"weights"`
	Splits          []splitResult  `json:"splits"`
	RAISE           *raiseResult   `json:"raise,omitempty"`
	Reverse         *reverseResult `json:"reverse_buffer,omitempty"`
	RBM             *rbmResult     `json:"rbm,omitempty"`
	AISSeconds      float64        `json:"ais_seconds"`
	Seconds         float64        `json:"seconds"`
	Evals           int64          `json:"evals"`
	GradEvals       int64          `json:"grad_evals"`
	Note            string         `json:"note"`
	Build           ckpt.Build     `json:"build"`                      // of this binary
	CheckpointBuild *ckpt.Build    `json:"checkpoint_build,omitempty"` // of the one that wrote the checkpoint
}

func runEval(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "merge" {
		return runEvalMerge(args[1:], stdout, stderr)
	}
	fs := newFlagSet("eval", "--checkpoint FILE|RUN-FOLDER [flags]  (or: eval merge SHARD...)", stderr)
	path := fs.String("checkpoint", "", "checkpoint file, or a run folder (its best checkpoint, else its latest)")
	dataset := fs.String("dataset", "", "data set for the log-likelihoods (default: the checkpoint's)")
	dataDir := fs.String("data-dir", "", "data directory (default $GWG_DATA_DIR, else the user cache; dynamic_mnist needs none)")
	dataFile := addDataFileFlags(fs)
	splits := fs.String("splits", "valid,test", "comma-separated splits to report log-likelihoods on (train, valid, test), or none")
	s := evalSettings{}
	fs.IntVar(&s.Temperatures, "temperatures", 10000, "number of inverse temperatures from 0 to 1 (the paper's final numbers use 300000)")
	fs.StringVar(&s.Schedule, "schedule", gwg.ScheduleLinear, "spacing of the temperatures: "+strings.Join(gwg.Schedules(), ", "))
	fs.IntVar(&s.Chains, "chains", 100, "AIS chains per repeat (the paper uses 500)")
	fs.IntVar(&s.Repeats, "repeats", 3, "independent AIS runs; the standard error comes from their spread (bootstrap over chains for 1)")
	fs.StringVar(&s.Sampler, "sampler", gwg.DefaultAISSampler, "transition kernel, one step per temperature: a sampler spec NAME[:key=value,...], e.g. gwg, gwg:tau=1, dmala:step=0.2")
	fs.IntVar(&s.Block, "block", gwg.DefaultAISBlock, "AIS chains annealed together, each block with its own random stream; blocks run side by side on the processors and are what --shard divides")
	fs.Uint64Var(&s.Seed, "seed", 1, "random seed")
	fs.IntVar(&s.RAISE, "raise", 0, "run RAISE (reverse annealing from data, a conservative log-likelihood) on this many examples of the last split; 0 = off")
	fs.IntVar(&s.Reverse, "reverse-buffer", 0, "run reverse AIS from this many replay-buffer chains (an upper estimate of log Z if they were exact samples); 0 = off")
	rbmCheck := fs.Bool("rbm-check", true, "for an RBM, also report the exact log Z (hidden layer of at most 20 units) and AIS along the classic weight-annealing path")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress (a bar on a terminal, else a line every tenth of a run)")
	shard := fs.String("shard", "", "run only shard `I/N` (0 ≤ I < N) of the AIS blocks and write them to --shard-out; gwg eval merge joins the shards")
	shardOut := fs.String("shard-out", "", "shard `FILE` to write (with --shard)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := dataFile.check(fs); err != nil {
		return err
	}
	var sh shardSpec
	if *shard != "" || *shardOut != "" {
		var err error
		if sh, err = parseShard(*shard, *shardOut, *jsonPath); err != nil {
			return err
		}
	}
	splitNames, err := parseEvalSplits(*splits)
	switch {
	case err != nil:
		return err
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *path == "":
		return usageError("--checkpoint is required")
	case s.Temperatures < 2 || s.Chains < 1 || s.Repeats < 1 || s.Block < 1:
		return usageError("--temperatures %d, --chains %d, --repeats %d, --block %d: want at least 2, 1, 1 and 1", s.Temperatures, s.Chains, s.Repeats, s.Block)
	case s.RAISE < 0 || s.Reverse < 0:
		return usageError("--raise and --reverse-buffer must not be negative")
	case s.RAISE > 0 && len(splitNames) == 0:
		return usageError("--raise needs a split (--splits)")
	case !slices.Contains(gwg.Schedules(), s.Schedule):
		return usageError("--schedule %q: unknown annealing schedule (want one of %s)", s.Schedule, strings.Join(gwg.Schedules(), ", "))
	case *dataset != "":
		if err := checkDataset(*dataset); err != nil {
			return err
		}
	}
	if *jsonPath != "" {
		if err := checkWritable("json", *jsonPath); err != nil {
			return err
		}
	}
	t0 := time.Now()
	job := &evalJob{s: s, splits: splitNames, dataset: *dataset, rbmCheck: *rbmCheck, stderr: stderr, quiet: *quiet}
	file, err := resolveCheckpoint(*path, stderr)
	if err != nil {
		return err
	}
	if err := job.load(file); err != nil {
		return err
	}
	if dataFile.path != "" {
		was := job.c.DataFile
		if job.data, err = dataFile.record(was); err != nil {
			return err
		}
		if !was.IsZero() && job.data.SHA256 != was.SHA256 {
			fmt.Fprintf(stderr, "note: %s is not the file the model was trained on (%s); its splits are its own\n", dataFile.path, was.Path)
		}
	}
	if sh.count > 0 {
		return job.runShard(sh, stdout)
	}
	rep, data, err := job.start(*dataDir)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0))
	tAIS := time.Now()
	opts := job.aisOptions("AIS")
	res, err := gwg.AIS(job.model, job.base, opts, rng)
	if err != nil {
		return err
	}
	rep.AISSeconds = time.Since(tAIS).Seconds()
	if err := job.finish(rep, data, res, rng); err != nil {
		return err
	}
	rep.Seconds = time.Since(t0).Seconds()
	return writeEvalReport(rep, *jsonPath, stdout, t0)
}

// writeEvalReport prints the report, then writes it as JSON to jsonPath
// unless that is empty. The numbers go to stdout first: whatever happens to
// the file, they are not lost.
func writeEvalReport(rep *evalReport, jsonPath string, stdout io.Writer, t0 time.Time) error {
	if err := rep.print(stdout); err != nil {
		return err
	}
	if jsonPath == "" {
		return nil
	}
	err := writeEvalJSON(jsonPath, rep)
	if err == nil {
		return nil
	}
	fallback := evalFallbackPath(rep.Checkpoint, t0)
	if ferr := writeEvalJSON(fallback, rep); ferr != nil {
		return fmt.Errorf("%w; nor could it go to %s (%v): the report above is all there is", err, fallback, ferr)
	}
	return fmt.Errorf("%w; the JSON report is in %s instead", err, fallback)
}

// evalFallbackPath is where the JSON report goes when its own path fails at
// the end: next to the checkpoint, named after it and the start time.
func evalFallbackPath(checkpoint string, start time.Time) string {
	name := strings.TrimSuffix(filepath.Base(checkpoint), filepath.Ext(checkpoint))
	return filepath.Join(filepath.Dir(checkpoint), fmt.Sprintf("%s-eval-%s.json", name, start.UTC().Format("20060102T150405Z")))
}

// parseEvalSplits reads the --splits list.
func parseEvalSplits(list string) ([]string, error) {
	if list == "" || list == "none" {
		return nil, nil
	}
	var out []string
	for _, n := range strings.Split(list, ",") {
		switch n = strings.TrimSpace(n); n {
		case "train", "valid", "test":
			out = append(out, n)
		default:
			return nil, usageError("--splits: unknown split %q (want train, valid, test or none)", n)
		}
	}
	return out, nil
}

// resolveCheckpoint resolves a run folder to its best checkpoint, or its
// newest that loads when it has no best yet; a file is returned as it is.
func resolveCheckpoint(path string, stderr io.Writer) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return path, nil
	}
	best := filepath.Join(path, ckpt.BestName)
	if _, err := os.Stat(best); err == nil {
		return best, nil
	}
	return newestLoadable(path, stderr)
}

// evalBaseMean is the AIS base of a checkpoint: the deep model's own base, so
// that only the network term is annealed, or for other models the stored
// initial mean of the chains; nil (uniform) when there is none.
func evalBaseMean(c *ckpt.Checkpoint) []float32 {
	if len(c.BaseMean) == 0 {
		return nil
	}
	return c.BaseMean
}

func evalModelName(c *ckpt.Checkpoint) string {
	if c.Model.Arch != "" {
		return c.Model.Kind + " " + c.Model.Arch
	}
	return c.Model.Kind
}

// loadEvalSplits opens the data (the --data file, else the data set name,
// else the file or data set the checkpoint was trained on) and returns the
// named splits, static and of the model's width, recording them in rep.
func (j *evalJob) loadEvalSplits(dataDir string, rep *evalReport) ([]*datasets.Split, error) {
	dom, c, name, names := j.model.Domain(), j.c, j.dataset, j.splits
	if len(names) == 0 {
		return nil, nil
	}
	var set *datasets.Set
	var err error
	switch {
	case !j.data.IsZero():
		set, err = openRecorded(j.data, "the evaluation")
		rep.DataFile = j.data.Path
	case name == "" && !c.DataFile.IsZero():
		set, err = openRecorded(c.DataFile, "the model of "+j.file)
		rep.DataFile = c.DataFile.Path
	default:
		if name == "" {
			name = c.Dataset
		}
		if name == "" {
			return nil, usageError("the checkpoint names no data set: give --dataset, --data or --splits none")
		}
		set, err = openDataset(name, dataDir)
	}
	if err != nil {
		return nil, err
	}
	name = set.Name
	if w := set.Train.Shape.ModelWidth(); w != dom.Width() {
		return nil, fmt.Errorf("the model has %d values per state, %s examples %d", dom.Width(), name, w)
	}
	rep.Dataset = name
	var out []*datasets.Split
	for _, n := range names {
		sp, err := set.Split(n)
		if err != nil {
			return nil, err
		}
		if sp.Dynamic {
			sp = sp.Binarized(rand.New(rand.NewPCG(evalTrainSeed, 0)))
		}
		out = append(out, sp)
		rep.Splits = append(rep.Splits, splitResult{Split: n, N: sp.N})
	}
	return out, nil
}

// evalSubset returns n distinct random examples of sp (all of them if it
// has fewer) as the model reads them.
func evalSubset(sp *datasets.Split, n int, rng *rand.Rand) []float32 {
	n = min(n, sp.N)
	idx := rng.Perm(sp.N)[:n]
	x := make([]float32, n*sp.Shape.ModelWidth())
	sp.Batch(x, idx, nil)
	return x
}

// bitsPerDim is a log-likelihood in nats over dims sites as bits per
// site, −LL / (D ln 2), the unit of the categorical literature.
func bitsPerDim(ll float64, dims int) float64 {
	return -ll / (float64(dims) * math.Ln2)
}

// evalProgress returns an AIS progress callback, or nil when quiet: a bar
// with an ETA when w is a terminal, else a plain line every tenth of the run.
func evalProgress(w io.Writer, quiet bool, what string) func(done, total int) {
	const unit = "temperatures"
	switch {
	case quiet:
		return nil
	case !isTerminal(w):
		return progressLog(w, what, unit, time.Now)
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionSetItsString(unit),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		_ = bar.Set(done) // a bar that cannot draw must not stop the run
	}
}

func writeEvalJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	err = writeFile(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func (r *evalReport) print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	s := r.Settings
	fmt.Fprintf(tw, "checkpoint\t%s (%s)\n", r.Checkpoint, r.Model)
	fmt.Fprintf(tw, "AIS\t%d temperatures (%s), %d chains × %d repeats, sampler %s, seed %d\n",
		s.Temperatures, s.Schedule, s.Chains, s.Repeats, s.Sampler, s.Seed)
	fmt.Fprintf(tw, "log Ẑ\t%.3f ± %.3f (se from %s; bootstrap %.3f)\n", r.LogZ, r.StdErr, r.StdErrMethod, r.BootstrapStdErr)
	fmt.Fprintf(tw, "weight ESS\t%.1f of %d\n", r.ESS, r.Weights)
	if r.ESS < lowESS*float64(r.Weights) {
		fmt.Fprintf(tw, "warning\ta few chains carry the estimate: its error bars are optimistic; use more temperatures, or --raise N for a conservative bound beside it\n")
	}
	if len(r.Splits) > 0 {
		// Beside the base distribution alone: the number to beat.
		base := r.Splits[0].BaseLogLikelihood != nil
		head := "\nsplit (%s)\texamples\tmean f\tlog-likelihood (nats)\tbits/dim"
		if base {
			head += "\tbase log-likelihood\tbase bits/dim"
		}
		fmt.Fprintf(tw, head+"\n", r.Dataset)
		for _, sp := range r.Splits {
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f ± %.3f\t%.4f ± %.4f", sp.Split, sp.N, sp.MeanF, sp.LogLikelihood, sp.StdErr, sp.BitsPerDim, sp.BitsPerDimStdErr)
			if base {
				fmt.Fprintf(tw, "\t%.3f\t%.4f", *sp.BaseLogLikelihood, *sp.BaseBitsPerDim)
			}
			fmt.Fprintln(tw)
		}
		if r.DataFile != "" {
			fmt.Fprintf(tw, "data\t%s\n", r.DataFile)
		}
		fmt.Fprintln(tw)
	}
	if q := r.RAISE; q != nil {
		fmt.Fprintf(tw, "RAISE\t%s, %d examples: log-likelihood ≥ %.3f ± %.3f over examples; AIS on the same examples %.3f, gap %.3f ± %.3f\n",
			q.Split, q.N, q.LogLikelihood, q.StdErr, q.AISLogLikelihood, q.Gap, q.GapStdErr)
		// The two estimates err in opposite directions (in expectation), so
		// together they bound the answer even when neither schedule is long
		// enough to be trusted alone.
		fmt.Fprintf(tw, "bracket\tthe mean log-likelihood of these %d %s examples lies between %.1f (RAISE, conservative) and %.1f (AIS, optimistic), in expectation\n",
			q.N, q.Split, q.LogLikelihood, q.AISLogLikelihood)
	}
	if q := r.Reverse; q != nil {
		fmt.Fprintf(tw, "reverse AIS\t%d buffer chains: log Z ≈ %.3f ± %.3f (ESS %.1f; an upper estimate only if the buffer is at equilibrium)\n",
			q.Chains, q.LogZ, q.StdErr, q.ESS)
	}
	if q := r.RBM; q != nil {
		fmt.Fprintf(tw, "RBM path\tlog Ẑ %.3f ± %.3f (ESS %.1f), annealing the weights with block Gibbs\n", q.PathLogZ, q.PathStdErr, q.PathESS)
		if q.ExactLogZ != nil {
			fmt.Fprintf(tw, "exact log Z\t%.3f (summed over the hidden units)\n", *q.ExactLogZ)
		}
	}
	fmt.Fprintf(tw, "time\t%s (AIS %s), %d evaluations of f, %d of f and ∇f\n",
		roundSeconds(r.Seconds), roundSeconds(r.AISSeconds), r.Evals, r.GradEvals)
	fmt.Fprintf(tw, "note\t%s\n", r.Note)
	return tw.Flush()
}

func roundSeconds(sec float64) string {
	return time.Duration(sec * float64(time.Second)).Round(time.Millisecond).String()
}

// writeFile writes a file atomically; tests replace it to fail.
var writeFile = atomicfile.Write

// evalJob is what an evaluation needs once its flags are read; a merge of
// shards rebuilds it from their settings.
type evalJob struct {
	s        evalSettings
	splits   []string
	dataset  string
	data     ckpt.DataFile // the --data file and how to read it; zero without one
	rbmCheck bool
	stderr   io.Writer
	quiet    bool

	file  string
	c     *ckpt.Checkpoint
	model ebm.Model
	base  gwg.Base
}

// load reads the checkpoint and builds the model and the AIS base.
func (j *evalJob) load(file string) error {
	c, model, err := loadModel(file)
	if err != nil {
		return err
	}
	if j.s.Sampler, err = checkSampler(j.s.Sampler, model); err != nil {
		return err
	}
	base, err := gwg.NewBase(model.Domain(), evalBaseMean(c))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	j.file, j.c, j.model, j.base = file, c, model, base
	return nil
}

// start begins the report and loads the splits, before any long work.
func (j *evalJob) start(dataDir string) (*evalReport, []*datasets.Split, error) {
	rep := &evalReport{Checkpoint: j.file, Model: evalModelName(j.c), Settings: j.s, Note: flatteryNote,
		Build: buildinfo.Current(), CheckpointBuild: j.c.Build}
	dom := j.model.Domain()
	rep.Dims, rep.Categories = dom.Sites, dom.Categories
	data, err := j.loadEvalSplits(dataDir, rep)
	return rep, data, err
}

// aisOptions are the AIS settings of the job, with progress labelled what.
func (j *evalJob) aisOptions(what string) gwg.AISOptions {
	s := j.s
	return gwg.AISOptions{Temperatures: s.Temperatures, Chains: s.Chains, Repeats: s.Repeats, Block: s.Block,
		Schedule: s.Schedule, Sampler: s.Sampler, Progress: evalProgress(j.stderr, j.quiet, what)}
}

// finish fills the report from the AIS result: the splits' log-likelihoods
// and the optional checks, drawing from rng after AIS did.
func (j *evalJob) finish(rep *evalReport, data []*datasets.Split, res *gwg.AISResult, rng *rand.Rand) error {
	s, model, base, c, stderr := j.s, j.model, j.base, j.c, j.stderr
	opts := j.aisOptions("AIS")
	rep.LogZ, rep.StdErr, rep.StdErrMethod, rep.BootstrapStdErr = res.LogZ, res.StdErr, res.StdErrMethod, res.BootstrapStdErr
	rep.RepeatLogZ, rep.ESS, rep.Weights = res.RepeatLogZ, res.ESS, len(res.LogW)
	rep.Evals, rep.GradEvals = res.Evals, res.GradEvals
	dom := model.Domain()
	for i, sp := range data {
		meanF, err := chains.MeanLogProb(model, sp, 500)
		if err != nil {
			return fmt.Errorf("%s split: %w", sp.Name, err)
		}
		r := &rep.Splits[i]
		r.MeanF, r.LogLikelihood, r.StdErr = meanF, res.LogLikelihood(meanF), res.StdErr
		r.BitsPerDim, r.BitsPerDimStdErr = bitsPerDim(r.LogLikelihood, dom.Sites), r.StdErr/(float64(dom.Sites)*math.Ln2)
		if len(c.BaseMean) > 0 {
			// The base is normalised: its log-likelihood is exact.
			ll, err := chains.MeanLogProb(base, sp, 500)
			if err != nil {
				return fmt.Errorf("%s split, base distribution: %w", sp.Name, err)
			}
			bits := bitsPerDim(ll, dom.Sites)
			r.BaseLogLikelihood, r.BaseBitsPerDim = &ll, &bits
		}
	}

	if s.RAISE > 0 {
		sp := data[len(data)-1]
		x := evalSubset(sp, s.RAISE, rng)
		opts.Repeats, opts.Progress = 1, evalProgress(stderr, j.quiet, "RAISE")
		t1 := time.Now()
		r, err := gwg.ReverseAIS(model, base, x, opts, rng)
		if err != nil {
			return fmt.Errorf("RAISE: %w", err)
		}
		gap, gapSE := r.Gap(res.LogZ)
		rep.RAISE = &raiseResult{Split: sp.Name, N: len(r.F), LogLikelihood: r.LogLikelihood, StdErr: r.LLStdErr,
			AISLogLikelihood: r.LogLikelihood + gap, Gap: gap, GapStdErr: gapSE, Seconds: time.Since(t1).Seconds()}
		rep.Evals += r.Evals
		rep.GradEvals += r.GradEvals
	}
	if s.Reverse > 0 {
		x, err := chains.Start(c, model.Domain(), s.Reverse, chains.FromBuffer, rng)
		if err != nil {
			return err
		}
		opts.Repeats, opts.Progress = 1, evalProgress(stderr, j.quiet, "reverse")
		t1 := time.Now()
		r, err := gwg.ReverseAIS(model, base, x, opts, rng)
		if err != nil {
			return fmt.Errorf("reverse AIS: %w", err)
		}
		rep.Reverse = &reverseResult{Chains: s.Reverse, LogZ: r.LogZ, StdErr: r.LogZStdErr, ESS: r.ESS, Seconds: time.Since(t1).Seconds()}
		rep.Evals += r.Evals
		rep.GradEvals += r.GradEvals
	}
	if rbm, ok := model.(*ebm.RBM); ok && j.rbmCheck {
		opts.Repeats, opts.Progress = s.Repeats, evalProgress(stderr, j.quiet, "RBM path")
		t1 := time.Now()
		r, err := gwg.RBMAIS(rbm, evalBaseMean(c), opts, rng)
		if err != nil {
			return err
		}
		rep.RBM = &rbmResult{PathLogZ: r.LogZ, PathStdErr: r.StdErr, PathESS: r.ESS}
		if rbm.H <= ebm.MaxExactHidden {
			z, err := rbm.LogZ()
			if err != nil {
				return err
			}
			rep.RBM.ExactLogZ = &z
		}
		rep.RBM.Seconds = time.Since(t1).Seconds()
	}
	return nil
}
