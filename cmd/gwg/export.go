package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gwg-go/gwg/ckpt"
)

func init() {
	register(command{name: "export", summary: "write a model-only checkpoint (weights, base, shape) to share or commit", run: runExport})
}

// runExport keeps what sampling and evaluation need from a training
// checkpoint and drops what only resuming needs: the optimizer's moments,
// the replay buffer, the random state and the metrics. For mlp-256 that is a
// quarter of the file.
func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "--checkpoint FILE|RUN-FOLDER --out FILE [flags]", stderr)
	path := fs.String("checkpoint", "", "checkpoint file, or a run folder (its best checkpoint, else its latest)")
	out := fs.String("out", "", "model-only checkpoint to write")
	weights := fs.String("weights", "ema", "weights to keep: ema (the moving average, what sample and eval use) or raw (the optimizer's)")
	force := fs.Bool("force", false, "replace an existing --out file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *path == "" || *out == "":
		return usageError("--checkpoint and --out are required")
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *weights != "ema" && *weights != "raw":
		return usageError("--weights %q: want ema or raw", *weights)
	}
	in, err := resolveCheckpoint(*path, stderr)
	if err != nil {
		return err
	}
	if same, err := samePath(in, *out); err != nil {
		return err
	} else if same {
		return usageError("--out %s is the checkpoint itself: exporting over it would lose its training state", *out)
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return usageError("%s exists (--force replaces it)", *out)
	}
	c, err := ckpt.Load(in)
	if err != nil {
		return err
	}
	m := modelOnly(c, *weights == "ema")
	m.Note = fmt.Sprintf("gwg export --weights %s of %s", *weights, filepath.Base(in))
	if c.Train != nil {
		m.Note += fmt.Sprintf(" (iteration %d)", c.Train.Iteration)
	}
	if c.Note != "" {
		m.Note += "; trained by: " + c.Note
	}
	if err := ckpt.Save(*out, m); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s, %s weights of %s)\n", *out, megabytes(fi.Size()), *weights, in)
	return nil
}

// modelOnly is c without its training state, with the chosen weights as its
// parameters. It shares c's slices.
func modelOnly(c *ckpt.Checkpoint, ema bool) *ckpt.Checkpoint {
	m := *c
	if ema && len(c.EMA) > 0 {
		m.Params = c.EMA
	}
	m.EMA, m.Train = nil, nil
	return &m
}

// samePath reports whether a and b name the same file; a b that does not
// exist yet is not a.
func samePath(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}
