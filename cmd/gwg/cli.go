package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/atomicfile"
	"github.com/gwg-go/gwg/internal/buildinfo"
)

// latestIfFolder resolves a run folder to its newest checkpoint that loads
// (see newestLoadable); a file is returned as it is.
func latestIfFolder(path string, stderr io.Writer) (string, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return path, nil // Load reports a missing file with its name
	}
	return newestLoadable(path, stderr)
}

// newestLoadable is the newest periodic checkpoint of a run folder that
// loads. Damaged newer ones are passed over with a warning on stderr and
// left as they are (gwg train, which writes the folder, moves them aside).
func newestLoadable(dir string, stderr io.Writer) (string, error) {
	paths, err := ckpt.Periodic(dir)
	if err != nil {
		return "", err
	}
	for i := len(paths) - 1; i >= 0; i-- {
		_, err := ckpt.Load(paths[i])
		if err == nil {
			return paths[i], nil
		}
		if !ckpt.Damaged(err) {
			return "", err
		}
		fmt.Fprintf(stderr, "warning: skipped %s: %s\n", paths[i], strings.TrimPrefix(cleanMessage(err.Error()), paths[i]+": "))
	}
	if len(paths) > 0 {
		return "", fmt.Errorf("no checkpoint in %s loads", dir)
	}
	return "", fmt.Errorf("%s holds no checkpoint", dir)
}

// checkSampler makes a usage error of a sampler spec that does not parse or
// cannot run on m, before any work starts, and returns the spec's canonical
// form, which reports and checkpoints record.
func checkSampler(spec string, m ebm.Model) (string, error) {
	canon, err := canonicalSampler("--sampler", spec)
	if err != nil {
		return "", err
	}
	if _, err := gwg.New(canon, m); err != nil {
		return "", usageError("--sampler: %s", strings.TrimPrefix(err.Error(), "gwg: "))
	}
	return canon, nil
}

// canonicalSampler parses a sampler spec given to flag and returns its
// canonical form, or a usage error.
func canonicalSampler(flag, spec string) (string, error) {
	sp, err := gwg.ParseSpec(spec)
	if err != nil {
		return "", usageError("%s: %s", flag, strings.TrimPrefix(err.Error(), "gwg: "))
	}
	return sp.String(), nil
}

// splitSpecs splits a comma-separated list of sampler specs. A spec's own
// options are comma-separated too, so a piece that is only key=value
// continues the spec before it: "gwg:tau=1,k=2,gibbs" is two specs.
func splitSpecs(list string) []string {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	var specs []string
	for _, piece := range strings.Split(list, ",") {
		if n := len(specs); n > 0 && strings.Contains(specs[n-1], ":") && strings.Contains(piece, "=") && !strings.Contains(piece, ":") {
			specs[n-1] += "," + piece
			continue
		}
		specs = append(specs, piece)
	}
	return specs
}

// canonicalSpecs parses a comma-separated list of sampler specs given to
// flag and returns it with every spec in its canonical form, or a usage
// error.
func canonicalSpecs(flag, list string) (string, error) {
	specs := splitSpecs(list)
	for i, spec := range specs {
		canon, err := canonicalSampler(flag, spec)
		if err != nil {
			return "", err
		}
		specs[i] = canon
	}
	return strings.Join(specs, ","), nil
}

// checkDataset makes a usage error of an unknown data set name.
func checkDataset(name string) error {
	for _, n := range datasets.Names() {
		if n == name {
			return nil
		}
	}
	return usageError("unknown data set %q: want one of %s", name, strings.Join(datasets.Names(), ", "))
}

// openDataset opens a data set; when its files are missing the error says
// how to get them.
func openDataset(name, dataDir string) (*datasets.Set, error) {
	if err := checkDataset(name); err != nil {
		return nil, err
	}
	set, err := datasets.Open(name, datasets.DataDir(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w; get it with gwg data download --dataset %s, or point --data-dir or GWG_DATA_DIR to a folder that has it", err, name)
	}
	return set, err
}

// checkPNGOut refuses an output path that is a folder or does not end in
// .png, before any work starts.
func checkPNGOut(flag, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageError("--%s %s is a directory; want a .png file name", flag, path)
	}
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return usageError("--%s %q: only PNG is written; want a name ending in .png", flag, path)
	}
	return nil
}

// checkWritable makes sure that a file can be created at path, before the
// work whose result goes there: a folder, or one that is missing or
// read-only, fails now rather than after hours of computing.
func checkWritable(flag, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageError("--%s %s is a directory; want a file name", flag, path)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		if pe := (*os.PathError)(nil); errors.As(err, &pe) {
			err = pe.Err // the temporary file's name would only confuse
		}
		return fmt.Errorf("--%s %s: cannot write there: %w", flag, path, err)
	}
	f.Abort()
	return nil
}

// buildWarning completes "FILE was …" when the numeric build that wrote a
// checkpoint differs from this binary's, and is empty otherwise (also for
// files that predate the record).
func buildWarning(b *ckpt.Build) string {
	if b == nil {
		return ""
	}
	d := b.Differences(buildinfo.Current())
	if len(d) == 0 {
		return ""
	}
	return fmt.Sprintf("written by another numeric build (%s, there vs here): results computed here differ from that build's in the last bits and grow apart in training; build the same way (see README, \"Builds\") to reproduce it", strings.Join(d, "; "))
}
