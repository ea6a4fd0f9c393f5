package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/train"
)

func init() {
	register(command{name: "train", summary: "train a deep EBM by persistent contrastive divergence (resumes)", run: runTrain})
}

// configFlags maps the flags of `gwg train` to the fields of c.
func configFlags(c *train.Config) map[string]any {
	return map[string]any{
		"dataset": &c.Dataset, "model": &c.Model, "sampler": &c.Sampler, "steps": &c.Steps,
		"iters": &c.Iters, "batch": &c.Batch, "seed": &c.Seed,
		"buffer": &c.BufferSize, "buffer-init": &c.BufferInit, "reinit": &c.ReinitFreq,
		"proj-init": &c.ProjInit,
		"lr":        &c.LR, "warmup": &c.Warmup, "l2": &c.L2, "ema": &c.EMADecay,
		"log-every": &c.LogEvery, "sample-every": &c.SampleEvery, "checkpoint-every": &c.CheckpointEvery,
		"keep": &c.Keep, "valid-every": &c.ValidEvery, "max-gap": &c.MaxGap,
	}
}

// schedulingFlags only say how long and how often: a resumed run takes them
// from the command line; every other flag must agree with the checkpoint.
var schedulingFlags = map[string]bool{
	"iters": true, "log-every": true, "sample-every": true, "checkpoint-every": true, "keep": true, "valid-every": true,
}

var trainFlagHelp = map[string]string{
	"dataset":          "data set: " + strings.Join(datasets.Names(), ", "),
	"model":            "energy net: mlp-256, resnet-64, mlp-WxL (L hidden layers of W), resnet-WxB",
	"sampler":          "sampler spec of the persistent chains, NAME[:key=value,...]: gwg, gwg-3, gwg:tau=1, dmala:step=0.2, gibbs, …",
	"steps":            "sampler steps K per iteration",
	"iters":            "training iterations (raise it to continue a finished run)",
	"batch":            "batch size of data and chains",
	"seed":             "random seed (weights, data order, chains)",
	"buffer":           "persistent chains in the replay buffer",
	"buffer-init":      "buffer start: base (Bernoulli of the data mean), data or uniform",
	"reinit":           "chance that a drawn chain restarts from the initial distribution",
	"proj-init":        "start of a categorical model's one-hot projection: empty (random, as the reference) or levels (first feature a ramp over the categories, for ordered codes such as gray levels)",
	"lr":               "Adam learning rate",
	"warmup":           "iterations of linear learning-rate warm-up",
	"l2":               "weight of the L2 penalty on f values",
	"ema":              "decay of the moving average of the weights",
	"log-every":        "iterations between log lines",
	"sample-every":     "iterations between sample grids (0: none)",
	"checkpoint-every": "iterations between checkpoints (0: only at the end)",
	"keep":             "periodic checkpoints to keep",
	"valid-every":      "iterations between validation log-likelihoods by AIS (0: none)",
	"max-gap":          "divergence guard: largest |mean f(data) − mean f(samples)|",
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "[flags]", stderr)
	preset := fs.String("preset", "paper", "settings the other flags override: paper (Grathwohl et al.: K 40, 50,000 iterations, lr 1e-4) or demo (mlp-64, a few minutes on 2 cores)")
	dataDir := fs.String("data-dir", "", "data directory (default $GWG_DATA_DIR, else the user cache; dynamic_mnist needs none)")
	out := fs.String("out", "", "run folder for checkpoints, metrics and grids (default checkpoints/DATASET-MODEL-SAMPLER)")
	noBar := fs.Bool("no-progress", false, "no progress bar (it is off anyway when stderr is not a terminal)")
	file := addDataFileFlags(fs)
	// The flags' defaults are the paper preset's; -preset swaps in another.
	var flagged train.Config = train.Paper("dynamic_mnist", "mlp-256")
	for name, p := range configFlags(&flagged) {
		switch p := p.(type) {
		case *string:
			fs.StringVar(p, name, *p, trainFlagHelp[name])
		case *int:
			fs.IntVar(p, name, *p, trainFlagHelp[name])
		case *uint64:
			fs.Uint64Var(p, name, *p, trainFlagHelp[name])
		case *float64:
			fs.Float64Var(p, name, *p, trainFlagHelp[name])
		}
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if err := file.check(fs); err != nil {
		return err
	}
	set := file.given
	// The canonical spec is what the checkpoints record and what a resumed
	// run's --sampler is compared with.
	var err error
	if flagged.Sampler, err = canonicalSampler("--sampler", flagged.Sampler); err != nil {
		return err
	}
	cfg, err := train.Preset(*preset, flagged.Dataset, flagged.Model)
	if err != nil {
		return usageError("%v", err)
	}
	overrideFlags(&cfg, &flagged, set, nil)
	var fileRec ckpt.DataFile // of --data, with a fresh run's reading options
	if file.path != "" {
		if fileRec, err = file.record(ckpt.DataFile{}); err != nil {
			return err
		}
		cfg.Dataset, cfg.Data = filepath.Base(file.path), fileRec
	}
	if err := cfg.Validate(); err != nil {
		return usageError("%v", err)
	}
	dir := *out
	if dir == "" {
		name := strings.TrimSuffix(cfg.Dataset, filepath.Ext(cfg.Dataset))
		dir = filepath.Join("checkpoints", fmt.Sprintf("%s-%s-%s", name, cfg.Model, cfg.Sampler))
	}

	point, err := train.ResumeFrom(dir)
	if err != nil {
		return fmt.Errorf("cannot resume: %w", err)
	}
	var resume *train.Snapshot
	var from string
	if point != nil {
		resume, from = point.Snapshot, point.Path
		for _, sk := range point.Skipped {
			fmt.Fprintf(stderr, "warning: %s\n", sk)
		}
		if w := buildWarning(point.Build); w != "" {
			fmt.Fprintf(stderr, "warning: %s was %s\n", from, w)
		}
	}
	if resume != nil {
		stored := resume.Config
		var conflicts []string
		overrideFlags(&stored, &flagged, set, func(name string) { conflicts = append(conflicts, "--"+name) })
		if file.path != "" {
			if fileRec, err = file.record(stored.Data); err != nil {
				return err
			}
			if err := sameDataFile(dir, stored, file.path, fileRec); err != nil {
				return err
			}
			// The same bytes: the run goes on from wherever the file is now.
			conflicts = append(conflicts, sameReading(fileRec, stored.Data)...)
			stored.Dataset, stored.Data = filepath.Base(file.path), fileRec
		}
		if len(conflicts) > 0 {
			return usageError("%s holds a run with other %s; give another --out, or the run's own settings (gwg inspect %s)",
				dir, strings.Join(conflicts, ", "), from)
		}
		cfg = stored
		if err := cfg.Validate(); err != nil {
			return usageError("%v", err)
		}
	}
	note := strings.Join(append([]string{"gwg train"}, args...), " ")
	var data *datasets.Set
	switch {
	case cfg.Data.IsZero():
		data, err = openDataset(cfg.Dataset, *dataDir)
	case file.path != "":
		data, err = openDataFile(file.path, cfg.Data)
	default:
		data, err = openRecorded(cfg.Data, "the run in "+dir)
	}
	if err != nil {
		return err
	}
	if err := checkTrainMemory(cfg.Model, data.Train.Shape, cfg.Batch); err != nil {
		return err
	}
	job, err := train.NewJob(cfg, data, dir, note, resume)
	if err != nil {
		return err
	}
	if resume != nil {
		fmt.Fprintf(stdout, "resuming from %s at iteration %d of %d\n", from, job.Trainer.Iter(), cfg.Iters)
	} else {
		fmt.Fprintf(stdout, "training %s on %s with %s (K = %d) for %d iterations into %s\n",
			cfg.Model, cfg.Dataset, cfg.Sampler, cfg.Steps, cfg.Iters, dir)
	}

	ctx, stop := interruptContext()
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
		fmt.Fprintln(stderr, "\ninterrupted: finishing this iteration and saving a checkpoint (Ctrl-C again quits at once)")
	}()
	bar := newBar(stderr, *noBar, cfg.Iters-job.Trainer.Iter())
	say := func(line string) {
		if bar != nil {
			bar.Clear()
		}
		fmt.Fprintln(stdout, line)
	}
	err = job.Run(ctx, train.RunOptions{
		OnRecord: func(r train.Record) { say(r.String() + etaSuffix(r, cfg.Iters)) },
		OnEvent: func(msg string) {
			if !strings.HasPrefix(msg, "checkpoint ") {
				say(msg)
			}
		},
		OnIter: func(it int) {
			if bar != nil {
				bar.Add(1)
			}
			if trainIterHook != nil {
				trainIterHook(it)
			}
		},
	})
	if bar != nil {
		bar.Finish()
	}
	if errors.Is(err, train.ErrInterrupted) {
		fmt.Fprintf(stdout, "%v\nrun the same command again to resume\n", err)
		return errInterrupted
	}
	if err != nil {
		return err
	}
	final := ckpt.PeriodicPath(dir, job.Trainer.Iter())
	grid := filepath.Join(dir, "ema-samples.png")
	if err := job.EMASamples(grid, 100, 100); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checkpoint:  %s\nsamples:     %s (EMA weights), %s/samples-*.png (chains during training)\ncurves:      %s/curves-*.png, metrics in %s/%s\n",
		final, grid, dir, dir, dir, train.MetricsName)
	fmt.Fprintf(stdout, "sample more: gwg sample --checkpoint %s --out samples.png\nevaluate:    gwg eval --checkpoint %s   (AIS log-likelihoods of the validation and test splits)\n", dir, dir)
	return nil
}

// interruptContext is cancelled by Ctrl-C or SIGTERM; tests replace it.
var interruptContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// trainIterHook, when set by a test, runs after every training iteration.
var trainIterHook func(iter int)

// overrideFlags copies into dst the fields of the flags given on the command
// line. With conflict set, it copies only the scheduling flags and reports
// every other given flag whose value differs from dst's.
func overrideFlags(dst, flagged *train.Config, given map[string]bool, conflict func(name string)) {
	to, from := configFlags(dst), configFlags(flagged)
	for name := range given {
		d, ok := to[name]
		if !ok {
			continue
		}
		dv, fv := reflect.ValueOf(d).Elem(), reflect.ValueOf(from[name]).Elem()
		switch {
		case conflict == nil || schedulingFlags[name]:
			dv.Set(fv)
		case dv.Interface() != fv.Interface():
			conflict(name)
		}
	}
}

// newBar returns a progress bar on stderr, or nil when stderr is not a
// terminal or the user asked for none.
func newBar(stderr io.Writer, off bool, n int) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if off || !ok || !term.IsTerminal(int(f.Fd())) || n <= 0 {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("train"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("it"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
		progressbar.OptionFullWidth(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(200e6))
}

// etaSuffix estimates the time left from the record's seconds per iteration,
// so that a log read without the progress bar (stdout piped to a file) still
// says how long the run will take.
func etaSuffix(r train.Record, iters int) string {
	left := iters - r.Iter
	if left <= 0 || !(r.SecPerIter > 0) {
		return ""
	}
	eta := time.Duration(float64(left) * r.SecPerIter * float64(time.Second))
	return "  ETA " + eta.Round(time.Second).String()
}

// sameDataFile refuses to resume the run stored in dir on the --data file
// unless the run was trained on a file with the same bytes.
// unless the run was trained on a file with the same bytes; r is the
// record of the file at path.
func sameDataFile(dir string, stored train.Config, path string, r ckpt.DataFile) error {
	if stored.Data.IsZero() {
		return usageError("%s holds a run on the data set %s, not on a file; give another --out, or no --data", dir, stored.Dataset)
	}
	if r.SHA256 != stored.Data.SHA256 {
		return usageError("%s holds a run on %s (SHA-256 %.12s…), and %s is another file (SHA-256 %.12s…); give another --out, or the run's own file",
			dir, stored.Data.Path, stored.Data.SHA256, path, r.SHA256)
	}
	return nil
}
