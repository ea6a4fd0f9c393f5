package ckpt

import (
	"encoding/hex"
	"fmt"
)

// DataFile records a user's file of category codes that a model was
// trained on and how it was read, so that evaluating or resuming the run
// reads the same examples into the same splits. The zero value means a
// built-in data set (Checkpoint.Dataset names it).
type DataFile struct {
	Path   string `msgpack:"path" json:"path"`     // absolute path when training started
	SHA256 string `msgpack:"sha256" json:"sha256"` // hex SHA-256 of the file's bytes
	// Categories is K as it was given; 0 means the largest code + 1.
	Categories int `msgpack:"categories" json:"categories"`
	// Valid and Test are the sizes of the splits cut from the examples
	// (a count, a fraction, or 0 for a tenth), Seed the shuffle's seed.
	Valid float64 `msgpack:"valid" json:"valid"`
	Test  float64 `msgpack:"test" json:"test"`
	Seed  uint64  `msgpack:"seed" json:"seed"`
}

// IsZero reports whether d records no file (and is left out of the file).
func (d DataFile) IsZero() bool { return d == DataFile{} }

// check reports a record that could not have been made from a file.
func (d DataFile) check() error {
	if d.IsZero() {
		return nil
	}
	if d.Path == "" {
		return fmt.Errorf("data file has no path")
	}
	if b, err := hex.DecodeString(d.SHA256); err != nil || len(b) != 32 {
		return fmt.Errorf("data file %s: SHA-256 %q is not 64 hex digits", d.Path, d.SHA256)
	}
	if d.Categories < 0 || d.Valid < 0 || d.Test < 0 {
		return fmt.Errorf("data file %s: negative categories or split size", d.Path)
	}
	return nil
}
