package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
)

// readingFlags are the flags of how a --data file is read; a run records
// their values so that evaluating or resuming it cuts the same splits.
var readingFlags = []string{"categories", "valid-size", "test-size", "split-seed"}

// record returns what a checkpoint keeps of the --data file: its absolute
// path, its checksum and how it is read. Reading flags that were not given
// take their values from was, the record of the run or model the file is
// for, when the file is that one (same checksum): its splits are then the
// ones of training.
func (d *dataFileFlags) record(was ckpt.DataFile) (ckpt.DataFile, error) {
	if st, err := os.Stat(d.path); err != nil || st.IsDir() {
		_, err := datasets.OpenFile(d.path, d.opts) // says what is wrong, as data show does
		if err == nil {
			err = fmt.Errorf("datasets: %s: cannot be read", d.path)
		}
		return ckpt.DataFile{}, err
	}
	abs, err := filepath.Abs(d.path)
	if err != nil {
		return ckpt.DataFile{}, err
	}
	sum, err := fileSHA256(abs)
	if err != nil {
		return ckpt.DataFile{}, fmt.Errorf("datasets: %w", err)
	}
	o := d.opts
	r := ckpt.DataFile{Path: abs, SHA256: sum, Categories: o.Categories, Valid: o.Valid, Test: o.Test, Seed: o.Seed}
	if sum != was.SHA256 {
		return r, nil
	}
	if !d.given["categories"] {
		r.Categories = was.Categories
	}
	if !d.given["valid-size"] {
		r.Valid = was.Valid
	}
	if !d.given["test-size"] {
		r.Test = was.Test
	}
	if !d.given["split-seed"] {
		r.Seed = was.Seed
	}
	return r, nil
}

// openDataFile reads the file r records as r says, naming it by path.
func openDataFile(path string, r ckpt.DataFile) (*datasets.Set, error) {
	return datasets.OpenFile(path, datasets.FileOptions{Categories: r.Categories, Valid: r.Valid, Test: r.Test, Seed: r.Seed})
}

// openRecorded reopens the file that r records for what (a run, a
// checkpoint's model, an evaluation), refusing it if it has changed since.
func openRecorded(r ckpt.DataFile, what string) (*datasets.Set, error) {
	sum, err := fileSHA256(r.Path)
	if err != nil {
		return nil, fmt.Errorf("%s reads %s, which cannot be read now (%v): give --data with that file", what, r.Path, unwrapPathError(err))
	}
	if sum != r.SHA256 {
		return nil, fmt.Errorf("%s reads %s, which has changed since (SHA-256 %.12s…, was %.12s…): give --data with the original file", what, r.Path, sum, r.SHA256)
	}
	return openDataFile(r.Path, r)
}

// sameReading reports the reading flags in which r differs from was.
func sameReading(r, was ckpt.DataFile) []string {
	var diff []string
	if r.Categories != was.Categories {
		diff = append(diff, "--categories")
	}
	if r.Valid != was.Valid {
		diff = append(diff, "--valid-size")
	}
	if r.Test != was.Test {
		diff = append(diff, "--test-size")
	}
	if r.Seed != was.Seed {
		diff = append(diff, "--split-seed")
	}
	return diff
}

// unwrapPathError drops the operation and path of an *os.PathError, which
// the message names already.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
