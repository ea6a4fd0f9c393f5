package main

import (
	"fmt"
	"github.com/gwg-go/gwg/internal/atomicfile"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"codeberg.org/sbinet/npyio"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/chains"
)

func init() {
	register(command{name: "sample", summary: "draw samples from a trained checkpoint (EMA weights) as a PNG grid", run: runSample})
}

func runSample(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sample", "--checkpoint FILE|RUN-FOLDER [flags]", stderr)
	path := fs.String("checkpoint", "", "checkpoint file, or a run folder (its latest checkpoint)")
	steps := fs.Int("steps", 100, "sampler steps")
	nChains := fs.Int("chains", 100, "number of chains (images)")
	sampler := fs.String("sampler", "gwg", "sampler spec NAME[:key=value,...], e.g. gwg, gwg-3, gwg:tau=1, dmala:step=0.2")
	from := fs.String("init", "auto", "chain start: buffer (the checkpoint's persistent chains), base (the base distribution of the data mean), or auto (buffer if stored)")
	out := fs.String("out", "samples.png", "PNG grid of the final states")
	raw := fs.String("raw", "", "also write the final states, one byte per site (0/1, or the category of a categorical model): .npy (uint8, chains × sites) or .bin (raw bytes)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *path == "":
		return usageError("--checkpoint is required")
	case *steps < 0 || *nChains < 1:
		return usageError("--steps %d and --chains %d: want steps ≥ 0 and at least one chain", *steps, *nChains)
	case *raw != "" && !strings.HasSuffix(*raw, ".npy") && !strings.HasSuffix(*raw, ".bin"):
		return usageError("--raw %q: want a .npy or .bin file", *raw)
	case *from != "auto" && *from != chains.FromBuffer && *from != chains.FromBase:
		return usageError("--init %q: want auto, buffer or base", *from)
	}
	if err := checkPNGOut("out", *out); err != nil {
		return err
	}
	file, err := latestIfFolder(*path, stderr)
	if err != nil {
		return err
	}
	c, model, err := loadModel(file)
	if err != nil {
		return err
	}
	if k := model.Domain().Categories; *raw != "" && k > 256 {
		return usageError("--raw writes a byte per site, and the model has %d categories", k)
	}
	if *sampler, err = checkSampler(*sampler, model); err != nil {
		return err
	}
	start := *from
	if start == "auto" {
		start = chains.FromBase
		if chains.BufferRows(c) >= *nChains {
			start = chains.FromBuffer
		}
	}
	rng := rand.New(rand.NewPCG(*seed, 0))
	dom := model.Domain()
	shape := chains.Shape(c, dom)
	if shape.ModelWidth() != dom.Width() {
		return fmt.Errorf("%s: the data shape %d×%d (%d categories) does not fit a model of %d values per chain", file, shape.Height, shape.Width, shape.Categories, dom.Width())
	}
	x0, err := chains.Start(c, dom, *nChains, start, rng)
	if err != nil {
		return err
	}
	t0 := time.Now()
	x, stats, err := chains.Run(model, *sampler, x0, *steps, rng)
	if err != nil {
		return err
	}
	if err := datasets.WriteExamplesPNG(*out, x, *nChains, shape); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d chains from the %s, %d %s steps in %.1fs (acceptance %.3f, %.2f sites changed per step): %s\n",
		*nChains, start, *steps, *sampler, time.Since(t0).Seconds(), stats.AcceptRate(), stats.MeanHops(), *out)
	if *raw != "" {
		if err := writeRaw(*raw, x, *nChains, dom); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "raw states: %s\n", *raw)
	}
	return nil
}

// writeRaw writes n chains of dom as a byte per site, the 0/1 value or
// the category of a one-hot block: a .npy array of uint8 of shape
// (n, sites), or the bare bytes for .bin.
func writeRaw(path string, x []float32, n int, dom ebm.Domain) error {
	rows := make([][]uint8, n)
	w, k := dom.Width(), 1
	if dom.OneHot {
		k = dom.Categories
	}
	for i := range rows {
		rows[i] = make([]uint8, dom.Sites)
		for j, v := range x[i*w : (i+1)*w] {
			if k == 1 {
				rows[i][j] = uint8(v)
			} else if v != 0 {
				rows[i][j/k] = uint8(j % k)
			}
		}
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		if strings.HasSuffix(path, ".npy") {
			return npyio.Write(w, rows)
		}
		for _, r := range rows {
			if _, err := w.Write(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
