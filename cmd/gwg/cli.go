package main

import (
	"errors"
	"fmt"
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

// latestIfFolder resolves a run folder to its newest checkpoint; a file is
// returned as it is.
func latestIfFolder(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return path, nil // Load reports a missing file with its name
	}
	latest, err := ckpt.Latest(path)
	if err != nil {
		return "", err
	}
	if latest == "" {
		return "", fmt.Errorf("%s holds no checkpoint", path)
	}
	return latest, nil
}

// checkSampler makes a usage error of a sampler name that cannot run on m,
// before any work starts.
func checkSampler(name string, m ebm.Model) error {
	if _, err := gwg.New(name, m); err != nil {
		return usageError("--sampler: %s", strings.TrimPrefix(err.Error(), "gwg: "))
	}
	return nil
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
