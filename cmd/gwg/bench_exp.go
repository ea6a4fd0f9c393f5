package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gwg-go/gwg/bench"
)

// experiments are the benchmarks of the paper's other experiments (issue
// 11), dispatched from runBench.
var experiments = map[string]func(args []string, stdout, stderr io.Writer) error{
	"learn-ising": benchLearnIsing,
	"learn-potts": benchLearnPotts,
	"contacts":    benchContacts,
	"fhmm":        benchFHMM,
	"potts":       benchPotts,
}

const experimentsHelp = `  learn-ising  learn an Ising model's full coupling matrix by PCD: log10 RMSE(J − J*) per sampler and K
  learn-potts  the same for a lattice Potts model
  contacts     contact prediction on a synthetic protein-like Potts model: PCD (gwg, gibbs) vs pseudo-likelihood
  fhmm         factorial HMM posterior: error of the posterior marginals, Hamming error, ESS
  potts        ESS and frequency error on lattice Potts models, like ising
`

// learnFlags are the PCD settings learn-ising, learn-potts and contacts share.
type learnFlags struct {
	out      string
	samplers string
	ks       string
	iters    int
	batch    int
	buffer   int
	lr       float64
	l1       float64
	samples  int
	sweeps   int
	seed     uint64
	quick    bool
}

func (f *learnFlags) register(fs *flag.FlagSet, samplers, ks string, iters, sweeps int) {
	fs.StringVar(&f.out, "out", "bench-out", "folder for the CSV files, plots, tables and the cached ground-truth data")
	fs.StringVar(&f.samplers, "samplers", samplers, "comma-separated sampler specs, e.g. gwg,gwg:tau=1,gibbs")
	fs.StringVar(&f.ks, "k", ks, "comma-separated sampler steps per PCD iteration")
	fs.IntVar(&f.iters, "iters", iters, "PCD iterations per run")
	fs.IntVar(&f.batch, "batch", 256, "data rows per iteration")
	fs.IntVar(&f.buffer, "buffer", 256, "persistent chains")
	fs.Float64Var(&f.lr, "lr", 1e-3, "Adam learning rate")
	fs.Float64Var(&f.l1, "l1", 0.01, "L1 penalty on J (0 for none)")
	fs.IntVar(&f.samples, "samples", 2000, "training samples drawn from the true model")
	fs.IntVar(&f.sweeps, "sweeps", sweeps, "Gibbs sweeps per ground-truth chain")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
	fs.BoolVar(&f.quick, "quick", false, "a short run to try things out (see the usage text)")
}

// config checks the flags and turns them into a LearnConfig.
func (f *learnFlags) config() (bench.LearnConfig, error) {
	ks, err := parseList(f.ks, strconv.Atoi)
	if err != nil {
		return bench.LearnConfig{}, usageError("-k: %v", err)
	}
	for _, k := range ks {
		if k < 1 {
			return bench.LearnConfig{}, usageError("-k: %d steps per iteration; want positive", k)
		}
	}
	if f.iters < 1 || f.batch < 1 || f.buffer < 1 || !(f.lr > 0) || f.l1 < 0 || f.samples < 2 || f.sweeps < 2 {
		return bench.LearnConfig{}, usageError("-iters, -batch, -buffer and -lr must be positive, -l1 non-negative, -samples and -sweeps at least 2")
	}
	l1 := f.l1
	if l1 == 0 {
		l1 = -1 // LearnConfig's zero means the default
	}
	return bench.LearnConfig{Samplers: splitSpecs(f.samplers), Steps: ks, Iters: f.iters, Batch: f.batch, Buffer: f.buffer,
		LR: f.lr, L1: l1, Seed: f.seed}, nil
}

// runLearn generates (or loads) the data of one problem, runs PCD and
// writes the files and the table.
func (f *learnFlags) runLearn(p *bench.Problem, cfg bench.LearnConfig, prefix string, stdout, stderr io.Writer) error {
	start := time.Now()
	data, check, err := bench.GenerateData(p, f.samples, f.sweeps, f.seed, f.out, benchProgress(stderr, "ground truth "+p.Name))
	if err != nil {
		return err
	}
	cfg.Progress = benchProgress(stderr, "PCD "+p.Name)
	res, err := bench.Learn(p, data, cfg)
	if err != nil {
		return err
	}
	paths, err := res.SaveModels(f.out, prefix)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "learned models (gwg inspect, gwg eval): %s\n", strings.Join(paths, ", "))
	return writeResult(stdout, f.out, prefix, res, func(w io.Writer) {
		fmt.Fprintf(w, "%s: PCD, %d iterations, batch %d, buffer %d, Adam lr %g, L1 %g; run %.0f s\nground truth: %v\n",
			p.Name, res.Config.Iters, res.Config.Batch, res.Config.Buffer, res.Config.LR, max(res.Config.L1, 0),
			time.Since(start).Seconds(), check)
	})
}

func benchLearnIsing(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench learn-ising", "[flags]", stderr)
	var lf learnFlags
	lf.register(fs, "gibbs,gwg,gwg-3,dmala", "1,5,10,25,50", 2000, 1000)
	models := fs.String("models", "lattice,er", "models: lattice (periodic L×L, coupling σ) and/or er (Erdős–Rényi)")
	sizes := fs.String("sizes", "10", "comma-separated lattice sides L")
	sigmas := fs.String("sigmas", "0.25", "comma-separated lattice couplings σ (the reference's grid: -0.1,0.1,0.25,0.5)")
	nodes := fs.Int("er-nodes", 100, "nodes of the Erdős–Rényi graph")
	degree := fs.Float64("er-degree", 2, "mean degree of the Erdős–Rényi graph")
	if err := parseBench(fs, args, stderr, "learn-ising",
		"Fits the full symmetric J of an Ising model to samples of a known one by PCD (the reference's pcd.py)\n"+
			"and reports log10 RMSE(J − J*) against iterations, sampler steps and seconds.\n"+
			"-quick means -sizes 5 -er-nodes 25 -k 1,5 -iters 200 -lr 0.01 -samples 500 -sweeps 200 unless those are given."); err != nil {
		return err
	}
	if lf.quick {
		quickDefaults(fs, map[string]func(){
			"sizes": func() { *sizes = "5" }, "er-nodes": func() { *nodes = 25 }, "k": func() { lf.ks = "1,5" },
			"iters": func() { lf.iters = 200 }, "samples": func() { lf.samples = 500 }, "sweeps": func() { lf.sweeps = 200 },
			"lr": func() { lf.lr = 0.01 },
		})
	}
	cfg, err := lf.config()
	if err != nil {
		return err
	}
	ls, ss, err := parseGrid(*sizes, *sigmas)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(lf.out, 0o755); err != nil {
		return err
	}
	for _, model := range strings.Split(*models, ",") {
		switch model {
		case "lattice":
			for _, l := range ls {
				for _, s := range ss {
					p, err := bench.LatticeIsingProblem(l, s)
					if err != nil {
						return err
					}
					if err := lf.runLearn(p, cfg, fmt.Sprintf("learn-ising-lattice-L%d-sigma%g", l, s), stdout, stderr); err != nil {
						return err
					}
				}
			}
		case "er":
			p, err := bench.ERIsingProblem(*nodes, *degree, lf.seed)
			if err != nil {
				return err
			}
			if err := lf.runLearn(p, cfg, fmt.Sprintf("learn-ising-er-n%d-deg%g", *nodes, *degree), stdout, stderr); err != nil {
				return err
			}
		default:
			return usageError("unknown model %q: want lattice or er", model)
		}
	}
	return nil
}

func benchLearnPotts(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench learn-potts", "[flags]", stderr)
	var lf learnFlags
	lf.register(fs, "gibbs,gwg", "1,5,10,25,50", 2000, 1000)
	size := fs.Int("size", 10, "lattice side L")
	states := fs.Int("states", 3, "categories K")
	sigma := fs.Float64("sigma", 0.25, "coupling strength σ")
	if err := parseBench(fs, args, stderr, "learn-potts",
		"Fits the full symmetric J (K×K blocks) of a lattice Potts model by PCD; errors are measured in the\n"+
			"zero-sum gauge, the part of J the data determine.\n"+
			"-quick means -size 4 -k 1,5 -iters 200 -lr 0.01 -samples 500 -sweeps 200 unless those are given."); err != nil {
		return err
	}
	if lf.quick {
		quickDefaults(fs, map[string]func(){
			"size": func() { *size = 4 }, "k": func() { lf.ks = "1,5" }, "iters": func() { lf.iters = 200 }, "lr": func() { lf.lr = 0.01 },
			"samples": func() { lf.samples = 500 }, "sweeps": func() { lf.sweeps = 200 },
		})
	}
	cfg, err := lf.config()
	if err != nil {
		return err
	}
	p, err := bench.LatticePottsProblem(*size, *states, *sigma)
	if err != nil {
		return usageError("%v", err)
	}
	if err := os.MkdirAll(lf.out, 0o755); err != nil {
		return err
	}
	return lf.runLearn(p, cfg, fmt.Sprintf("learn-potts-L%d-K%d-sigma%g", *size, *states, *sigma), stdout, stderr)
}

// quickDefaults applies the -quick value of every flag not given.
func quickDefaults(fs *flag.FlagSet, set map[string]func()) {
	for name, apply := range set {
		if !isSet(fs, name) {
			apply()
		}
	}
}

func benchContacts(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench contacts", "[flags]", stderr)
	var lf learnFlags
	lf.register(fs, "gibbs,gwg", "20", 2000, 300)
	sites := fs.Int("sites", 50, "sites L of the synthetic model (50–100 for protein-like sizes)")
	states := fs.Int("states", 21, "states q per site (21: 20 amino acids and the gap)")
	couplings := fs.Float64("coupling-sigma", 0.5, "scale of the contact coupling blocks")
	fields := fs.Float64("field-sigma", 1, "scale of the fields")
	plmIters := fs.Int("plm-iters", 300, "full-batch Adam steps of the pseudo-likelihood baseline (0 to skip it)")
	alignment := fs.String("alignment", "", "aligned FASTA or A2M file: predict contacts of real sequences instead of the synthetic model")
	if err := parseBench(fs, args, stderr, "contacts",
		"Synthetic protein-like Potts model (L sites, q states, L random contacts with |i − j| ≥ 6): fit J by PCD\n"+
			"with each sampler and by pseudo-likelihood (plmDCA's estimator), score the top-L pairs by the\n"+
			"APC-corrected Frobenius norm of the zero-sum-gauge coupling blocks against the true contacts.\n"+
			"With -alignment FILE the same fits run on the sequences of FILE and the top-L contacts are written.\n"+
			"-quick means -sites 16 -states 5 -iters 200 -plm-iters 60 -samples 500 -sweeps 100 unless given."); err != nil {
		return err
	}
	if lf.quick {
		quickDefaults(fs, map[string]func(){
			"sites": func() { *sites = 16 }, "states": func() { *states = 5 }, "iters": func() { lf.iters = 200 },
			"plm-iters": func() { *plmIters = 60 }, "samples": func() { lf.samples = 500 }, "sweeps": func() { lf.sweeps = 100 },
		})
	}
	cfg, err := lf.config()
	if err != nil {
		return err
	}
	if *plmIters < 0 || *sites < 1 || *states < 2 {
		return usageError("-plm-iters must be non-negative, -sites positive, -states at least 2")
	}
	if err := os.MkdirAll(lf.out, 0o755); err != nil {
		return err
	}
	if *alignment != "" {
		return contactsFromAlignment(*alignment, cfg, *plmIters, lf.out, stdout, stderr)
	}
	start := time.Now()
	res, err := bench.RunContacts(bench.ContactsConfig{
		Sites: *sites, States: *states, FieldSigma: *fields, CouplingSigma: *couplings,
		Samples: lf.samples, Sweeps: lf.sweeps, Seed: lf.seed, CacheDir: lf.out,
		Learn: cfg, PLM: bench.PLMConfig{Iters: *plmIters}, SkipPLM: *plmIters == 0,
		Progress: func(stage string) func(int, int) { return benchProgress(stderr, stage) },
	})
	if err != nil {
		return err
	}
	return writeResult(stdout, lf.out, "contacts", res, func(w io.Writer) {
		fmt.Fprintf(w, "%s, %d true contacts: PCD %d iterations (batch %d, buffer %d, lr %g, L1 %g), pseudo-likelihood %d steps; run %.0f s\nground truth: %v\n",
			res.Problem.Name, res.Config.Sites, res.PCD.Config.Iters, res.PCD.Config.Batch, res.PCD.Config.Buffer,
			res.PCD.Config.LR, max(res.PCD.Config.L1, 0), *plmIters, time.Since(start).Seconds(), res.Check)
	})
}

// contactsFromAlignment fits a Potts model to the sequences of an aligned
// FASTA/A2M file with pseudo-likelihood and with PCD (first sampler, first
// K) and writes each fit's top-L contacts as CSV.
func contactsFromAlignment(path string, cfg bench.LearnConfig, plmIters int, out string, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	aln, err := bench.ReadAlignment(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fits, err := bench.FitAlignment(aln, cfg, bench.PLMConfig{Iters: plmIters}, plmIters == 0,
		func(stage string) func(int, int) { return benchProgress(stderr, stage) })
	if err != nil {
		return err
	}
	l := aln.Len()
	for _, fit := range fits {
		file := filepath.Join(out, "contacts-"+fit.Method+".csv")
		if err := bench.WriteContacts(file, fit.Top); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d sequences × %d columns; %s fit in %.0f CPU s; top %d contacts (1-based columns, |i − j| ≥ 6) in %s\n",
			path, len(aln.Codes), l, fit.Method, fit.CPU, len(fit.Top), file)
	}
	return nil
}

// experimentNames lists the experiment benchmarks for error messages.
func experimentNames() string {
	names := make([]string, 0, len(experiments))
	for name := range experiments {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func benchFHMM(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench fhmm", "[flags]", stderr)
	var bf benchFlags
	bf.register(fs)
	every := fs.Int("every", 10, "steps between evaluations")
	refSweeps := fs.Int("ref-sweeps", 200, "sweeps of each of the two sequential-Gibbs reference runs")
	hmmChains := fs.Int("hmm-chains", 10, "binary chains K of the factorial HMM")
	hmmSteps := fs.Int("hmm-steps", 100, "time steps N of the factorial HMM")
	if err := parseBench(fs, args, stderr, "fhmm",
		"The reference's fhmm_sample.py protocol: one synthetic factorial HMM (W ~ N(0, 1), noise 0.5, initial\n"+
			"mean 0.1, keep probability 0.95), chains from the prior; error of the posterior marginals against two\n"+
			"long sequential-Gibbs runs, Hamming error to the true hidden states, ESS.\n"+
			"-quick means -steps 500 -ref-sweeps 40 unless those are given."); err != nil {
		return err
	}
	if bf.quick {
		quickDefaults(fs, map[string]func(){"steps": func() { bf.steps = 500 }, "ref-sweeps": func() { *refSweeps = 40 }})
	}
	if bf.chains < 1 || bf.steps < 2 || *every < 1 || *refSweeps < 2 || *hmmChains < 1 || *hmmSteps < 1 {
		return usageError("-chains, -every, -hmm-chains and -hmm-steps must be positive, -steps and -ref-sweeps at least 2")
	}
	if err := os.MkdirAll(bf.out, 0o755); err != nil {
		return err
	}
	model := bench.FHMMConfig{}.Defaults().Model
	model.Chains, model.Steps = *hmmChains, *hmmSteps
	start := time.Now()
	res, err := bench.RunFHMM(bench.FHMMConfig{Model: model, Samplers: bf.samplerList(), Chains: bf.chains, Steps: bf.steps,
		Every: *every, RefSweeps: *refSweeps, Seed: bf.seed, Progress: benchProgress(stderr, "factorial HMM")})
	if err != nil {
		return err
	}
	return writeResult(stdout, bf.out, "fhmm", res, func(w io.Writer) {
		fmt.Fprintf(w, "factorial HMM %d×%d: %d chains, %d steps; reference 2 × %d sweeps of sequential Gibbs; run %.0f s\n",
			model.Chains, model.Steps, res.Config.Chains, res.Config.Steps, res.Config.RefSweeps, time.Since(start).Seconds())
	})
}

func benchPotts(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench potts", "[flags]", stderr)
	var bf latticeFlags
	bf.register(fs)
	states := fs.Int("states", 3, "categories K")
	ls, ss, err := bf.parse(fs, args, stderr, "potts",
		"Zero-field periodic lattice Potts; the exact category frequencies are 1/K by symmetry.\n"+
			"-quick means -steps 500 -sizes 10,20 unless those are given.")
	if err != nil {
		return err
	}
	if bf.chains < 1 || bf.steps < 1 || bf.block < 1 || *states < 2 {
		return usageError("-chains, -steps and -block must be positive, -states at least 2")
	}
	if err := os.MkdirAll(bf.out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	res, err := bench.RunPotts(bench.PottsConfig{Sizes: ls, States: *states, Sigmas: ss, Samplers: bf.samplerList(),
		Chains: bf.chains, Steps: bf.steps, Block: bf.block, Seed: bf.seed, Progress: benchProgress(stderr, "lattice Potts")})
	if err != nil {
		return err
	}
	return writeResult(stdout, bf.out, "potts", res, func(w io.Writer) {
		fmt.Fprintf(w, "lattice Potts, K = %d, zero field: %d chains, %d steps, ESS of chain 0 after %.0f%% burn-in; run %.0f s\n",
			res.Config.States, res.Config.Chains, res.Config.Steps, 100*res.Config.BurnIn, time.Since(start).Seconds())
	})
}
