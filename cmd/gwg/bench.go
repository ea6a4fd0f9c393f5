package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/gwg-go/gwg/bench"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/train"
)

func init() {
	register(command{name: "bench", summary: "run the paper's benchmarks: bench rbm, ising, learn-ising, learn-potts, contacts, fhmm, potts", run: runBench, subcommands: true})
}

const benchSynopsis = "rbm|ising|learn-ising|learn-potts|contacts|fhmm|potts [flags]"

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("want a benchmark: gwg bench %s", benchSynopsis)
	}
	switch args[0] {
	case "rbm":
		return benchRBM(args[1:], stdout, stderr)
	case "ising":
		return benchIsing(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, "usage: gwg bench %s\n\n  rbm    log10 MMD to the ground truth on the random and MNIST RBMs\n  ising  ESS and magnetisation error on lattice Ising models\n%s\nRun \"gwg bench rbm -h\" for the flags.\n", benchSynopsis, experimentsHelp)
		return errHelp
	}
	if run, ok := experiments[args[0]]; ok {
		return run(args[1:], stdout, stderr)
	}
	return usageError("unknown benchmark %q: want rbm, ising, %s", args[0], experimentNames())
}

// benchFlags are the flags both benchmarks share.
type benchFlags struct {
	out      string
	samplers string
	chains   int
	steps    int
	seed     uint64
	quick    bool
}

func (b *benchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.out, "out", "bench-out", "folder for the CSV files, plots and tables")
	fs.StringVar(&b.samplers, "samplers", "", "comma-separated sampler specs, e.g. gwg,gwg:tau=1,gibbs (default: the benchmark's set)")
	fs.IntVar(&b.chains, "chains", 100, "chains per sampler")
	fs.IntVar(&b.steps, "steps", 5000, "steps per sampler")
	fs.Uint64Var(&b.seed, "seed", 1, "random seed")
	fs.BoolVar(&b.quick, "quick", false, "a short run to try things out (fewer steps; see each benchmark)")
}

// samplerList returns the specs of --samplers (canonical after
// parseBench), nil for the benchmark's own set.
func (b *benchFlags) samplerList() []string { return splitSpecs(b.samplers) }

// parseBench parses the flags of "gwg bench NAME", whose usage text starts
// with about, refuses positional arguments and bad sampler specs.
func parseBench(fs *flag.FlagSet, args []string, stderr io.Writer, name, about string) error {
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gwg bench %s [flags]\n\n%s\n\nflags:\n", name, about)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	// Sampler specs are checked once, before any work, and kept canonical,
	// as reports record them.
	if f := fs.Lookup("samplers"); f != nil {
		canon, err := canonicalSpecs("--samplers", f.Value.String())
		if err != nil {
			return err
		}
		if err := f.Value.Set(canon); err != nil {
			return err
		}
	}
	return nil
}

// isSet reports whether the flag called name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func benchRBM(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench rbm", "[flags]", stderr)
	var bf benchFlags
	bf.register(fs)
	models := fs.String("models", "random,mnist", "RBMs to run: random (100×25, W ~ N(0, 0.05)), mnist (784×H, CD-trained on static MNIST)")
	every := fs.Int("every", 10, "steps between MMD evaluations")
	truthSteps := fs.Int("truth-steps", 10000, "steps of RBM block Gibbs for the ground truth")
	dataDir := fs.String("data-dir", "", "data folder holding binarized_mnist (default $GWG_DATA_DIR)")
	rbmPath := fs.String("rbm", "", "MNIST RBM checkpoint: loaded if it exists, else trained and saved there (default OUT/mnist-rbm.ckpt)")
	hidden := fs.Int("hidden", 500, "hidden units of a newly trained MNIST RBM")
	cdK := fs.Int("cd-k", 10, "Gibbs steps per CD update when training the MNIST RBM")
	cdEpochs := fs.Int("cd-epochs", 1, "epochs of CD training")
	cdLR := fs.Float64("cd-lr", 1e-3, "Adam learning rate of CD training")
	if err := parseBench(fs, args, stderr, "rbm",
		"Samplers run in interleaved blocks of -every steps; seconds are steps × the median step cost.\n-quick means -steps 500 -truth-steps 1000 unless those are given."); err != nil {
		return err
	}
	if bf.quick {
		if !isSet(fs, "steps") {
			bf.steps = 500
		}
		if !isSet(fs, "truth-steps") {
			*truthSteps = 1000
		}
	}
	if bf.chains < 2 || bf.steps < 1 || *every < 1 || *truthSteps < 1 || *hidden < 1 || *cdK < 1 || *cdEpochs < 1 || !(*cdLR > 0) {
		return usageError("-chains must be at least 2; -steps, -every, -truth-steps, -hidden, -cd-k, -cd-epochs and -cd-lr positive")
	}
	if err := os.MkdirAll(bf.out, 0o755); err != nil {
		return err
	}
	if *rbmPath == "" {
		*rbmPath = filepath.Join(bf.out, "mnist-rbm.ckpt")
	}
	for _, name := range strings.Split(*models, ",") {
		cfg := bench.RBMConfig{
			Samplers: bf.samplerList(), Chains: bf.chains, Steps: bf.steps, Every: *every,
			TruthSteps: *truthSteps, Seed: bf.seed,
		}
		var (
			m     *ebm.RBM
			shape datasets.Shape // of the images, for a picture of the ground truth
			init  *ebm.Bernoulli
			title string
			err   error
		)
		switch name {
		case "random":
			m, err = ebm.NewRandomRBM(100, 25, rand.New(rand.NewPCG(bf.seed, 1)))
			if err != nil {
				return err
			}
			init, err = ebm.NewBernoulli(constant(100, 0.5))
			title = "random RBM 100×25"
		case "mnist":
			r, err := bench.LoadOrTrainMNISTRBM(bench.MNISTRBMConfig{
				Path: *rbmPath, DataDir: datasets.DataDir(*dataDir), Hidden: *hidden, Seed: bf.seed,
				CD:       train.CDConfig{K: *cdK, Epochs: *cdEpochs, LR: *cdLR},
				Progress: benchProgress(stderr, fmt.Sprintf("CD-%d training", *cdK)),
			})
			if err != nil {
				return err
			}
			reportMNISTRBM(stdout, r, *rbmPath)
			m, shape = r.Model, r.Shape
			init, err = ebm.NewBernoulli(r.InitMean)
			if err != nil {
				return err
			}
			title = fmt.Sprintf("MNIST RBM %d×%d", m.D, m.H)
		default:
			return usageError("unknown RBM %q: want random or mnist", name)
		}
		if err != nil {
			return err
		}
		cfg.Progress = benchProgress(stderr, title)
		start := time.Now()
		res, err := bench.RunRBM(m, init, cfg)
		if err != nil {
			return err
		}
		prefix := "rbm-" + name
		if err := res.WriteFiles(bf.out, prefix, title); err != nil {
			return err
		}
		if shape != (datasets.Shape{}) {
			n := min(100, len(res.Truth)/m.D)
			if err := datasets.WriteExamplesPNG(filepath.Join(bf.out, prefix+"-truth.png"), res.Truth, n, shape); err != nil {
				return err
			}
		}
		if err := writeTable(stdout, filepath.Join(bf.out, prefix+"-table.txt"), func(w io.Writer) error {
			fmt.Fprintf(w, "%s: %d chains, %d steps, ground truth %d steps of %s (%.0f s); log10 MMD floor %.3f; run %.0f s\n",
				title, res.Config.Chains, res.Config.Steps, res.Config.TruthSteps, res.Config.TruthSampler,
				res.TruthSec, res.Floor, time.Since(start).Seconds())
			return res.WriteTable(w)
		}); err != nil {
			return err
		}
	}
	return nil
}

func reportMNISTRBM(w io.Writer, r *bench.MNISTRBM, path string) {
	if r.Loaded {
		fmt.Fprintf(w, "MNIST RBM %d×%d loaded from %s\n", r.Model.D, r.Model.H, path)
		return
	}
	fmt.Fprintf(w, "MNIST RBM %d×%d trained by CD in %.0f s, saved to %s\n", r.Model.D, r.Model.H, r.TrainSec, path)
	for _, e := range r.Epochs {
		fmt.Fprintf(w, "  epoch %d: training reconstruction error %.4f (%.0f s)\n", e.Epoch, e.Recon, e.Seconds)
	}
	fmt.Fprintf(w, "  test reconstruction error %.4f (untrained %.4f)\n", r.TestRecon, r.TestRecon0)
}

func benchIsing(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench ising", "[flags]", stderr)
	var bf latticeFlags
	bf.register(fs)
	ls, ss, err := bf.parse(fs, args, stderr, "ising",
		"Zero-field periodic lattice Ising; the exact mean spin is 0 by symmetry.\n-quick means -steps 500 -sizes 10,20 unless those are given.")
	if err != nil {
		return err
	}
	if bf.chains < 1 || bf.steps < 1 || bf.block < 1 {
		return usageError("-chains, -steps and -block must be positive")
	}
	if err := os.MkdirAll(bf.out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	res, err := bench.RunIsing(bench.IsingConfig{
		Sizes: ls, Sigmas: ss, Samplers: bf.samplerList(), Chains: bf.chains, Steps: bf.steps,
		Block: bf.block, Seed: bf.seed, Progress: benchProgress(stderr, "lattice Ising"),
	})
	if err != nil {
		return err
	}
	return writeResult(stdout, bf.out, "ising", res, func(w io.Writer) {
		fmt.Fprintf(w, "lattice Ising, zero field: %d chains, %d steps, ESS of chain 0 after %.0f%% burn-in; run %.0f s\n",
			res.Config.Chains, res.Config.Steps, 100*res.Config.BurnIn, time.Since(start).Seconds())
	})
}

// latticeFlags are the flags of the lattice benchmarks, ising and potts.
type latticeFlags struct {
	benchFlags
	sizes, sigmas string
	block         int
}

func (f *latticeFlags) register(fs *flag.FlagSet) {
	f.benchFlags.register(fs)
	fs.StringVar(&f.sizes, "sizes", "10,20,40", "comma-separated lattice sides L (D = L²)")
	fs.StringVar(&f.sigmas, "sigmas", "0.1,0.25", "comma-separated coupling strengths σ")
	fs.IntVar(&f.block, "block", 10, "steps per sampler per round-robin turn")
}

// parse is parseBench, then the -quick defaults (-steps 500 -sizes 10,20)
// and the lattice sides and couplings.
func (f *latticeFlags) parse(fs *flag.FlagSet, args []string, stderr io.Writer, name, about string) ([]int, []float64, error) {
	if err := parseBench(fs, args, stderr, name, about); err != nil {
		return nil, nil, err
	}
	if f.quick {
		quickDefaults(fs, map[string]func(){"steps": func() { f.steps = 500 }, "sizes": func() { f.sizes = "10,20" }})
	}
	return parseGrid(f.sizes, f.sigmas)
}

// parseGrid parses the -sizes and -sigmas lists of the lattice benchmarks.
func parseGrid(sizes, sigmas string) ([]int, []float64, error) {
	ls, err := parseList(sizes, strconv.Atoi)
	if err != nil {
		return nil, nil, usageError("-sizes: %v", err)
	}
	ss, err := parseList(sigmas, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	if err != nil {
		return nil, nil, usageError("-sigmas: %v", err)
	}
	return ls, ss, nil
}

// benchResult is what the benchmarks other than rbm report: their CSV
// files and plots, and a table.
type benchResult interface {
	WriteFiles(dir, prefix string) error
	WriteTable(w io.Writer) error
}

// writeResult writes res's files under dir/prefix-*, then prints its table
// below header and saves the same text as dir/prefix-table.txt.
func writeResult(stdout io.Writer, dir, prefix string, res benchResult, header func(io.Writer)) error {
	if err := res.WriteFiles(dir, prefix); err != nil {
		return err
	}
	return writeTable(stdout, filepath.Join(dir, prefix+"-table.txt"), func(w io.Writer) error {
		header(w)
		return res.WriteTable(w)
	})
}

// writeTable prints a table to stdout and saves the same text to path.
func writeTable(stdout io.Writer, path string, write func(io.Writer) error) error {
	var sb strings.Builder
	if err := write(&sb); err != nil {
		return err
	}
	fmt.Fprintln(stdout, sb.String())
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		return err
	}
	return nil
}

func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, f := range strings.Split(s, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

func constant(n int, v float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// benchProgress returns a Progress callback that draws a progress bar on w,
// created at the first call, when the total is known.
func benchProgress(w io.Writer, desc string) func(done, total int) {
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetWidth(30),
				progressbar.OptionClearOnFinish())
		}
		bar.Set(done)
		if done == total {
			bar.Finish()
		}
	}
}
